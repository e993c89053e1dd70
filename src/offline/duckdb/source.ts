/**
 * Where the leads are, as DuckDB reads them: a CSV, a Parquet file, or a directory of them (a CRM
 * export split in parts, a data-lake folder). Files are read in place, never loaded into Node.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync, writeSync } from 'node:fs';
import { textEncodingOf } from '../files/read.ts';
import { basename, extname, join } from 'node:path';

export class SourceError extends Error {}

const CSV = ['.csv', '.tsv', '.txt'];
const PARQUET = ['.parquet', '.pq'];

export interface LeadsSource {
  /** The FROM clause that reads the leads. */
  from: string;
  /** What a person calls it: the file or directory name, with the number of files. */
  label: string;
  files: string[];
}

/** A path inside a SQL text literal. */
const quoted = (path: string) => `'${path.replace(/'/g, "''")}'`;

/** Compressed CSV keeps its kind: leads.csv.gz is a CSV. */
function kindOf(path: string): 'csv' | 'parquet' | undefined {
  const name = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  const ext = extname(name);
  return CSV.includes(ext) ? 'csv' : PARQUET.includes(ext) ? 'parquet' : undefined;
}

/** DuckDB's name for an encoding LeadFlow's reader finds (windows-1252 is not one DuckDB reads: see utf8Copy). */
const DUCKDB_ENCODING: Record<string, string> = { 'utf-8': 'utf-8', 'utf-16le': 'utf-16', 'utf-16be': 'utf-16' };
const WINDOWS_1252 = 'windows-1252';

/** The encoding of a CSV from its first 64 KB, as the in-memory reader sniffs it; compressed files are taken as UTF-8. */
function encodingOf(path: string): string {
  if (/\.(gz|zst)$/i.test(path)) return 'utf-8';
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(65_536);
    const read = readSync(fd, head, 0, head.length, 0);
    const found = textEncodingOf(head.subarray(0, read));
    if ('kind' in found) throw new SourceError(`${basename(path)} is not CSV text (it looks like ${found.kind === 'zip' ? 'an xlsx workbook or a zip' : `a ${found.kind} file`}); the DuckDB engine reads CSV and Parquet files.`);
    return found.encoding === WINDOWS_1252 ? WINDOWS_1252 : DUCKDB_ENCODING[found.encoding] ?? 'utf-8';
  } finally {
    closeSync(fd);
  }
}

/**
 * A windows-1252 file (Excel's "CSV" on Windows) copied as UTF-8 into `scratch`. DuckDB reads
 * latin-1, which differs from windows-1252 in the bytes 0x80-0x9F (€, curly quotes, dashes), and
 * refuses a file holding them ("File is not latin-1 encoded"): a status "Won – paid" or a source
 * "Partner’s referral" would stop the report. The copy is streamed, a megabyte at a time, and made
 * once per file and directory.
 */
const copies = new Map<string, string>();
function utf8Copy(path: string, scratch: string): string {
  const key = `${scratch}\u0000${path}`;
  const made = copies.get(key);
  if (made && existsSync(made)) return made;
  const copy = join(scratch, `${copies.size + 1}-${basename(path)}.utf8.csv`);
  copies.set(key, copy);
  const [from, to] = [openSync(path, 'r'), openSync(copy, 'wx')];
  try {
    const decoder = new TextDecoder(WINDOWS_1252);
    const chunk = Buffer.alloc(1 << 20);
    for (let read; (read = readSync(from, chunk, 0, chunk.length, null)) > 0;) writeSync(to, decoder.decode(chunk.subarray(0, read), { stream: true }));
    writeSync(to, decoder.decode());
  } finally {
    closeSync(from);
    closeSync(to);
  }
  return copy;
}

/**
 * CSV read by DuckDB with LeadFlow's rules: every column as text (LeadFlow reads dates and amounts
 * itself, one day order per column, rather than trusting a type guessed from a sample), short
 * lines padded (a report's footer lines are rows without a status, not a broken file), in the
 * encoding the file is written in.
 */
function csvReader(paths: string[], scratch: string): string {
  const byEncoding = new Map<string, string[]>();
  for (let path of paths) {
    let encoding = encodingOf(path);
    if (encoding === WINDOWS_1252) [path, encoding] = [utf8Copy(path, scratch), 'utf-8'];
    byEncoding.set(encoding, [...(byEncoding.get(encoding) ?? []), path]);
  }
  const readers = [...byEncoding].map(([encoding, files]) => {
    const list = files.length === 1 ? quoted(files[0]) : `[${files.map(quoted).join(', ')}]`;
    return `read_csv(${list}, header = true, all_varchar = true, null_padding = true, encoding = '${encoding}'${files.length > 1 ? ', union_by_name = true' : ''})`;
  });
  return readers.length === 1 ? readers[0] : `(${readers.map((r) => `SELECT * FROM ${r}`).join(' UNION ALL BY NAME ')})`;
}

function parquetReader(paths: string[]): string {
  const list = paths.length === 1 ? quoted(paths[0]) : `[${paths.map(quoted).join(', ')}]`;
  return `read_parquet(${list}${paths.length > 1 ? ', union_by_name = true' : ''})`;
}

/** Every CSV and Parquet file under a directory, sorted, hidden files left out. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (kindOf(path)) out.push(path);
  }
  return out.sort();
}

/** The leads at `input`; `scratch` is a directory of the caller's where a windows-1252 file is copied as UTF-8. */
export function leadsSource(input: string, scratch: string): LeadsSource {
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new SourceError(`${input}: no such file or directory.`);
  if (stat.isDirectory()) {
    const files = filesUnder(input);
    if (!files.length) throw new SourceError(`${input} is a directory with no CSV (.csv, .tsv, .txt) or Parquet (.parquet) files in it.`);
    const csv = files.filter((f) => kindOf(f) === 'csv');
    const parquet = files.filter((f) => kindOf(f) === 'parquet');
    // Both kinds in one directory: one table, columns matched by name.
    const from = csv.length && parquet.length
      ? `(SELECT * FROM ${parquetReader(parquet)} UNION ALL BY NAME SELECT * FROM ${csvReader(csv, scratch)})`
      : csv.length ? csvReader(csv, scratch) : parquetReader(parquet);
    return { from, label: `${basename(input)}/ (${files.length} file${files.length === 1 ? '' : 's'})`, files };
  }
  const kind = kindOf(input);
  if (!kind) {
    throw new SourceError(`${input}: the DuckDB engine reads CSV (.csv, .tsv, .txt, also gzipped) and Parquet (.parquet) files, or a directory of them. For an Excel workbook, use --engine memory.`);
  }
  return { from: kind === 'csv' ? csvReader([input], scratch) : parquetReader([input]), label: basename(input), files: [input] };
}
