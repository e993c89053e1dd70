/**
 * Which engine a report runs on. The in-memory engine reads the export as Sheets would (every
 * locale's dates and amounts, footers, encodings) and writes the leads with formulas over them;
 * it holds every cell in memory, about 1.7 GB for a million leads. Past that, and for Parquet or a
 * directory of files, DuckDB reads the files in place and writes the sheets with their values.
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { ReportError } from './report';

export const ENGINES = ['auto', 'memory', 'duckdb'] as const;
export type EngineOption = (typeof ENGINES)[number];

/** A CSV past this size goes to DuckDB by default: about 550,000 leads of 18 columns. */
export const MEMORY_ENGINE_MAX_BYTES = 100_000_000;

const mb = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;

/** The engine for an input, and why when LeadFlow chose it. */
export function chooseEngine(input: string, engine: string | undefined): { engine: 'memory' | 'duckdb'; why?: string } {
  if (engine !== undefined && !(ENGINES as readonly string[]).includes(engine)) throw new ReportError(`--engine must be one of ${ENGINES.join(', ')}, not "${engine}".`);
  if (engine === 'memory' || engine === 'duckdb') return { engine };
  const stat = statSync(input, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return { engine: 'duckdb', why: `${input} is a directory of files` };
  const compressed = /\.(gz|zst)$/i.test(input);
  const ext = extname(input.toLowerCase().replace(/\.(gz|zst)$/, ''));
  if (['.parquet', '.pq'].includes(ext)) return { engine: 'duckdb', why: `${input} is a Parquet file` };
  if (compressed) return { engine: 'duckdb', why: `${input} is compressed` };
  if (stat && ['.csv', '.tsv', '.txt'].includes(ext) && stat.size > MEMORY_ENGINE_MAX_BYTES) {
    return { engine: 'duckdb', why: `${input} is ${mb(stat.size)}, past the ${mb(MEMORY_ENGINE_MAX_BYTES)} the in-memory engine handles well` };
  }
  return { engine: 'memory' };
}
