/**
 * DuckDB, embedded: one in-process database per run (nothing to install beside npm, no server),
 * read through a small wrapper that hands back plain JavaScript rows: counts as numbers, dates as
 * Date, and DuckDB's errors as messages a person can act on.
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

/** DuckDB's message without the SQL excerpt it appends (LINE 1: … ^). */
export function duckDbMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split(/\n\s*LINE \d+:/)[0].trim();
}

/** A number from DuckDB: BIGINT counts arrive as bigint, DECIMAL and DOUBLE as number. */
const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);

export class Db {
  private constructor(private readonly instance: DuckDBInstance, private readonly connection: DuckDBConnection) {}

  /** An in-memory database; DuckDB spills to its temporary directory past its memory limit. */
  static async open(opts: { threads?: number; memoryLimit?: string } = {}): Promise<Db> {
    const config: Record<string, string> = {};
    if (opts.threads) config.threads = String(opts.threads);
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    const instance = await DuckDBInstance.create(':memory:', config);
    return new Db(instance, await instance.connect());
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** The rows of a query, as objects keyed by column name, in column order. */
  async rows(sql: string): Promise<Row[]> {
    const result = await this.connection.runAndReadAll(sql);
    const names = result.columnNames();
    return result.getRowsJS().map((values) => {
      const row: Row = {};
      names.forEach((name, i) => { row[name] = plain(values[i]); });
      return row;
    });
  }

  /** The rows of a query as arrays, with its column names. */
  async table(sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    const result = await this.connection.runAndReadAll(sql);
    return { columns: result.columnNames(), rows: result.getRowsJS().map((r) => r.map(plain)) };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
