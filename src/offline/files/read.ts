/**
 * Reads a CRM leads export (CSV or xlsx) into a LeadsTable, the way Google Sheets would show it
 * after "File > Import": typed values (numbers, booleans, Dates) and per-cell number formats,
 * with dates and numbers read in the forms the export really uses (see infer.ts for one field,
 * columns.ts for the per-column decisions: day/month order, decimal comma). Report footers at
 * the end (footers.ts) are dropped. What the reader noticed is in the table's notes.
 *
 * Both formats are parsed as streams and cells are counted as rows arrive, so a file over
 * Google Sheets' 10,000,000-cell limit is refused without first being held in memory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { ColumnTyper, type ColumnReading, type FileSignals, type TyperOptions } from './columns.ts';
import { LeadsFileError, columnLetter } from './errors.ts';
import { findFooter, isFooterLine, mayStartFooter, type Footer } from './footers.ts';
import { isDateFormat } from './infer.ts';
import { assertDateOrder, DEFAULT_LOCALE, localeConventions, type DateOrder } from './locale.ts';

export { isDateFormat } from './infer.ts';
export type { ColumnReading } from './columns.ts';
export type { DateOrder } from './locale.ts';
import { assertTimeZone, utcPartsOf, wallTimeToDate } from './timezone.ts';

export { LeadsFileError } from './errors.ts';

export interface LeadsTable {
  sheetName: string;
  /** Header row first; every row as wide as the header; empty cells are "". */
  rows: unknown[][];
  /** Same shape as rows: e.g. 'yyyy-mm-dd hh:mm:ss' for a date-time, '$#,##0.00' for currency, null for plain. */
  numberFormats: (string | null)[][];
  /**
   * What the reader noticed, one plain sentence each: the order dates were read in and why,
   * decimal commas, cells left as text, footer lines dropped. Always set by the readers.
   */
  notes?: string[];
  /** How each header column was read (same length as the header). Always set by the readers. */
  columns?: ColumnReading[];
}

/** A table as the readers return it: notes and columns always present. */
export interface ReadTable extends LeadsTable {
  notes: string[];
  columns: ColumnReading[];
}

export interface ReadOptions {
  /** IANA zone whose wall-clock times dates in the file are read in. Default 'America/New_York'. */
  timeZone?: string;
  /**
   * The order of numeric dates such as 01/02/2018, for every column: 'dmy' (day first),
   * 'mdy' (month first) or 'ymd'. Wins over what the file shows. Default: decided per column.
   */
  dateOrder?: DateOrder;
  /**
   * Spreadsheet locale ("en_US", "en_GB", "fr_FR", "de_DE", "pt_BR"…) used when a column's own
   * values and the rest of the file do not settle its date order or decimal mark. Default en_US.
   */
  locale?: string;
}

export const DEFAULT_TIME_ZONE = 'America/New_York';
/** Google Sheets' limit on cells in a spreadsheet. */
export const MAX_CELLS = 10_000_000;
/** Google Sheets' limit on columns in a sheet (ZZZ). */
export const MAX_COLUMNS = 18_278;

const CSV_EXTENSIONS = new Set(['.csv', '.tsv', '.txt']);
const XLSX_EXTENSIONS = new Set(['.xlsx', '.xlsm']);
const SNIFF_BYTES = 64 * 1024;

/** Checks the options (RangeError naming a bad time zone, date order or locale) and settles the defaults. */
function typingOptions(opts: ReadOptions): TyperOptions {
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  assertDateOrder(opts.dateOrder);
  return { timeZone, dateOrder: opts.dateOrder, locale: localeConventions(opts.locale ?? DEFAULT_LOCALE) };
}

// ---------------------------------------------------------------------------------------------
// Building the table row by row (shared by CSV and xlsx)

function isBlank(v: unknown): boolean {
  return v === '' || v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function describe(v: unknown): string {
  if (v instanceof Date) return `a date (${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  if (typeof v === 'number') return `a number (${preview(v, 24)})`;
  if (typeof v === 'boolean') return `a boolean (${v ? 'TRUE' : 'FALSE'})`;
  return `"${preview(v)}"`;
}

/**
 * A file's name as messages show it: whole when short, else its end (where the name is), so a
 * message about a file in a deep folder stays a sentence.
 */
export function fileLabel(path: string, max = 120): string {
  return path.length > max ? `…${path.slice(path.length - (max - 1))}` : path;
}

/** The first few of many problems, and how many more there are. */
function firstOf(problems: string[], max = 5): string {
  return problems.length > max ? `${problems.slice(0, max).join('; ')}; and ${problems.length - max} more` : problems.join('; ');
}

function preview(v: unknown, max = 40): string {
  const s = v instanceof Date ? (Number.isNaN(v.getTime()) ? 'an invalid date' : v.toISOString()) : String(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

function footerNote(footer: Footer, unit: 'line' | 'row', where: string): string {
  const shown = footer.lines.slice(0, 3).map(l => `"${preview(l, 70)}"`).join(', ') + (footer.lines.length > 3 ? ', ...' : '');
  const blanks = footer.blankRows === 0 ? '' : ` and ${plural(footer.blankRows, `blank ${unit}`)}`;
  return `Dropped ${plural(footer.lines.length, `footer ${unit}`)} at the end of the ${where} (${shown})${blanks}.`;
}

const MAX_SUSPECTS = 1000;

class TableBuilder {
  private readonly rows: unknown[][] = [];
  private readonly formats: (string | null)[][] = [];
  /**
   * Rows of formats are shared while they repeat (a column's format is the same down most of an
   * export): a million rows then cost a handful of arrays, not a million. Shared rows are copied
   * before a cell of them changes (see ColumnTyper.finish).
   */
  private readonly sharedFormats = new WeakSet<object>();
  /**
   * One copy of each text a column repeats (statuses, sources, owners): a million rows of "Closed Won"
   * are one string, not a million. A column stops interning once it has many distinct values (names, emails).
   */
  private readonly texts: (Map<string, string> | null)[] = [];

  private intern(column: number, v: string): string {
    let seen = this.texts[column];
    if (seen === null) return v;
    if (seen === undefined) this.texts[column] = seen = new Map();
    const known = seen.get(v);
    if (known !== undefined) return known;
    if (seen.size >= 20_000) {
      this.texts[column] = null;
      return v;
    }
    seen.set(v, v);
    return v;
  }
  private lastFormats: (string | null)[] | undefined;

  private pushFormats(fmt: (string | null)[]): void {
    const last = this.lastFormats;
    if (last && last.length === fmt.length) {
      let same = true;
      for (let i = 0; i < fmt.length && same; i++) same = last[i] === fmt[i];
      if (same) {
        this.sharedFormats.add(last);
        this.formats.push(last);
        return;
      }
    }
    this.formats.push(fmt);
    this.lastFormats = fmt;
  }
  private width = 0;
  private headerSeen = false;
  /** Blank rows seen since the last non-blank one: kept only if a non-blank row follows. */
  private pendingBlank = 0;
  private headerRow = 1;
  /** CSV: the last record was an empty line (normally the file's final line break). */
  private endsWithEmptyLine = false;
  /** A footer line wider than the header (an unquoted "Copyright (c) …, inc."): an error only if a lead row follows. */
  private wideFooter: LeadsFileError | null = null;
  private wideFooterRow = -1;
  /**
   * CSV rows since the last one that cannot be a footer (row index, fields as written): if the
   * footer takes them, their evidence about date order and decimal marks is taken back.
   */
  private suspects: [number, string[]][] = [];
  private readonly typer: ColumnTyper;

  constructor(readonly file: string, private readonly maxCells: number, typing: TyperOptions) {
    this.typer = new ColumnTyper(typing);
  }

  /** Names a row for messages: "row 5", "row 5 (line 7 of the file)", 'row 5 of sheet "Leads"'. */
  private place(record: number, line: number, sheet?: string): string {
    if (sheet !== undefined) return `row ${record} of sheet "${sheet}"`;
    return line === record ? `row ${record}` : `row ${record} (line ${line} of the file)`;
  }

  /** n blank rows (e.g. rows an xlsx sheet leaves out): counted, materialised only if data follows. */
  skipBlank(n: number): void {
    if (this.headerSeen) this.pendingBlank += n;
  }

  /** A CSV record (fields as written); record and line number it for messages. */
  addCsv(fields: string[], record: number, line: number): void {
    let last = fields.length - 1;
    while (last >= 0 && isBlank(fields[last])) last--;
    if (!this.headerSeen) {
      if (last < 0) return; // leading blank rows: the header is the first non-empty row
      const cells = new Array(last + 1);
      for (let i = 0; i <= last; i++) cells[i] = fields[i] === '' ? '' : this.typer.alone(fields[i]);
      this.header(cells, this.place(record, line), record);
      return;
    }
    if (last < 0) {
      this.pendingBlank++;
      this.endsWithEmptyLine = fields.length === 1 && fields[0] === '';
      return;
    }
    this.endsWithEmptyLine = false;
    const r = this.open(fields, last, record, line);
    if (last === 0 || mayStartFooter(fields[0])) {
      if (this.suspects.length === MAX_SUSPECTS) this.suspects.splice(0, MAX_SUSPECTS / 2); // footers are short: keep the latest
      this.suspects.push([r, fields]);
    } else if (this.suspects.length > 0) {
      this.suspects = [];
    }
    const width = this.width;
    const typer = this.typer;
    const row = new Array(width);
    const fmt = new Array<string | null>(width);
    for (let i = 0; i < width; i++) {
      const f = fields[i];
      if (f === undefined || f.length === 0) {
        row[i] = '';
        fmt[i] = null;
      } else {
        const v = typer.csv(f, i, r);
        row[i] = typeof v === 'string' ? this.intern(i, v) : v;
        fmt[i] = typer.format;
      }
    }
    this.rows.push(row);
    this.pushFormats(fmt);
  }

  /** An xlsx row (typed values, number formats; sparse arrays allowed). */
  addXlsx(values: unknown[], formats: (string | null)[], rowNumber: number, sheet: string): void {
    let last = values.length - 1;
    while (last >= 0 && isBlank(values[last])) last--;
    if (!this.headerSeen) {
      if (last < 0) return;
      this.header(values.slice(0, last + 1), this.place(rowNumber, rowNumber, sheet), rowNumber);
      return;
    }
    if (last < 0) {
      this.pendingBlank++;
      return;
    }
    const r = this.open(values, last, rowNumber, rowNumber, sheet);
    const width = this.width;
    const typer = this.typer;
    const row = new Array(width);
    const fmt = new Array<string | null>(width);
    for (let i = 0; i < width; i++) {
      const v = values[i];
      if (typeof v === 'string' && v !== '') {
        // text cells holding dates ("20/10/2017") are read like CSV dates, per column
        row[i] = typer.xlsxText(v, i, r);
        fmt[i] = typer.format ?? formats[i] ?? null;
      } else {
        if (v instanceof Date) typer.nativeDate(i);
        row[i] = v === undefined || v === null ? '' : v;
        fmt[i] = formats[i] ?? null;
      }
    }
    this.rows.push(row);
    this.pushFormats(fmt);
  }

  /** Checks a non-blank data row's width and the cell limit, adds the blank rows before it; returns its index. */
  private open(values: unknown[], last: number, record: number, line: number, sheet?: string): number {
    if (this.wideFooter && !isFooterLine(values[0]) && last > 0) throw this.wideFooter;
    if (last >= this.width) {
      const width = this.width;
      const err = new LeadsFileError('ROW_TOO_WIDE', this.file,
        `${this.file}: ${this.place(record, line, sheet)} has more cells than the header row: it has a value in column ${columnLetter(last)} ` +
        `("${preview(values[last])}"), but the header (row ${this.headerRow}) names only ${width} column` +
        `${width === 1 ? '' : 's'} (A to ${columnLetter(width - 1)}). ` +
        'Each row must fit under the header: add a header name for the extra column or remove the stray value.');
      if (!isFooterLine(values[0])) throw err;
      if (!this.wideFooter) {
        this.wideFooter = err;
        this.wideFooterRow = this.rows.length + this.pendingBlank;
      }
    }
    const total = (this.rows.length + this.pendingBlank + 1) * this.width;
    if (total > this.maxCells) this.tooLarge(this.place(record, line, sheet));
    for (; this.pendingBlank > 0; this.pendingBlank--) {
      this.rows.push(new Array(this.width).fill(''));
      this.pushFormats(new Array(this.width).fill(null));
    }
    return this.rows.length;
  }

  private header(cells: unknown[], where: string, rowNumber: number): void {
    this.headerSeen = true;
    this.headerRow = rowNumber;
    this.width = cells.length;
    if (this.width > MAX_COLUMNS) {
      throw new LeadsFileError('TOO_LARGE', this.file,
        `${this.file}: the header row has ${this.width.toLocaleString('en-US')} columns; Google Sheets allows at most ` +
        `${MAX_COLUMNS.toLocaleString('en-US')}.`);
    }
    const problems: string[] = [];
    const seen = new Map<string, number[]>();
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i]; // a plain loop: xlsx rows are sparse arrays, which forEach would skip
      if (isBlank(v)) problems.push(`column ${columnLetter(i)} has no name`);
      else if (typeof v !== 'string') problems.push(`column ${columnLetter(i)} is ${describe(v)}, not a text name`);
      else {
        const key = v.trim().toLowerCase();
        const cols = seen.get(key);
        if (cols) cols.push(i);
        else seen.set(key, [i]);
      }
    }
    for (const cols of seen.values()) {
      if (cols.length > 1) {
        problems.push(`"${preview(String(cells[cols[0]]).trim())}" names more than one column (${cols.length > 6 ? `${cols.slice(0, 6).map(columnLetter).join(', ')}...` : cols.map(columnLetter).join(', ')})`);
      }
    }
    if (problems.length > 0) {
      throw new LeadsFileError('NO_HEADER', this.file,
        `${this.file}: expected a header row (the first non-empty row, here ${where}) of unique, non-blank text ` +
        `column names, but ${firstOf(problems)}.`);
    }
    this.rows.push(cells.slice(0, this.width));
    this.formats.push(new Array(this.width).fill(null));
    this.typer.setWidth(this.width);
  }

  private tooLarge(where: string): never {
    throw new LeadsFileError('TOO_LARGE', this.file,
      `${this.file} has more than ${this.maxCells.toLocaleString('en-US')} cells, Google Sheets' limit ` +
      `(${this.width} columns × at least ${(this.rows.length + this.pendingBlank + 1).toLocaleString('en-US')} rows, ` +
      `reached at ${where}). Split the export into smaller files or drop unused columns.`);
  }

  finish(sheetName: string, emptyMessage: string, signals: FileSignals, csv: boolean): ReadTable {
    if (!this.headerSeen) throw new LeadsFileError('EMPTY', this.file, emptyMessage);
    const notes: string[] = [];
    // report footers after the last lead; trailing blank rows (pendingBlank) are never added,
    // as Sheets' import drops trailing empty lines
    const footer = findFooter(this.rows, this.width);
    if (this.wideFooter && this.wideFooterRow < footer.start) throw this.wideFooter;
    if (footer.start < this.rows.length) {
      for (const [row, fields] of this.suspects) if (row >= footer.start) this.typer.forget(fields);
      this.rows.length = footer.start;
      this.formats.length = footer.start;
      notes.push(footerNote(footer, csv ? 'line' : 'row', csv ? 'file' : 'sheet'));
    }
    const blankLines = this.pendingBlank - (this.endsWithEmptyLine ? 1 : 0);
    if (csv && blankLines > 0) notes.push(`Dropped ${plural(blankLines, 'blank line')} at the end of the file.`);
    const typed = this.typer.finish(this.rows, this.formats, signals, this.sharedFormats);
    notes.push(...typed.notes);
    return { sheetName, rows: this.rows, numberFormats: this.formats, notes, columns: typed.columns };
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

interface CsvOptions extends ReadOptions {
  /** Field delimiter; detected from the first rows when absent. */
  delimiter?: string;
  /** Used in error messages; defaults to the sheet name. */
  fileLabel?: string;
  maxCells?: number;
}

const DELIMITERS = [',', ';', '\t', '|'];

/**
 * Guesses the delimiter from a sample of the text (the first 20 records): the candidate giving
 * the most consistent field counts, so a ";" file whose fields hold commas ("1.234,50") is ";".
 */
export function detectDelimiter(sample: string): string {
  const result = Papa.parse<string[]>(sample, { preview: 20, delimitersToGuess: DELIMITERS, skipEmptyLines: true });
  const guessed = result.meta.delimiter;
  return DELIMITERS.includes(guessed) ? guessed : ',';
}

function sheetNameFromFile(path: string): string {
  const base = basename(path, extname(path)).trim();
  return base === '' ? 'Sheet1' : base.slice(0, 100);
}

/**
 * Builds a Papa step handler feeding the table; tracks file line numbers (quoted fields may
 * span lines) so errors can name both the sheet row and the line of the file.
 */
function csvRowSink(builder: TableBuilder) {
  let record = 0;
  let line = 1;
  let failure: unknown = null;
  const step = (results: Papa.ParseStepResult<string[]>, parser: Papa.Parser) => {
    if (failure) return;
    try {
      record++;
      const fields = results.data;
      const errors = results.errors;
      for (let i = 0; i < errors.length; i++) {
        if (errors[i].code === 'MissingQuotes') {
          const where = line === record ? `row ${record}` : `row ${record} (line ${line} of the file)`;
          throw new LeadsFileError('MALFORMED', builder.file,
            `${builder.file}: ${where} opens a quoted field that is never closed, so the rest of the file would ` +
            'land in one cell. Check that every " inside a field is doubled ("").');
        }
      }
      builder.addCsv(fields, record, line);
      let embedded = 0;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i];
        let at = f.length > 0 ? f.indexOf('\n') : -1;
        while (at >= 0) {
          embedded++;
          at = f.indexOf('\n', at + 1);
        }
      }
      line += 1 + embedded;
    } catch (e) {
      failure = e;
      parser.abort();
    }
  };
  return { step, failure: () => failure };
}

function emptyCsvMessage(label: string): string {
  return `${label} has no data: expected CSV text with a header row naming the columns, then one row per lead.`;
}

/** Parses CSV text the way Sheets imports it (see infer.ts and columns.ts for typing rules). */
export function parseCsv(text: string, name = 'Sheet1', opts: CsvOptions = {}): ReadTable {
  const typing = typingOptions(opts);
  const label = fileLabel(opts.fileLabel ?? name);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const builder = new TableBuilder(label, opts.maxCells ?? MAX_CELLS, typing);
  if (body.trim() === '') throw new LeadsFileError('EMPTY', label, emptyCsvMessage(label));
  const delimiter = opts.delimiter ?? detectDelimiter(body.slice(0, SNIFF_BYTES));
  const sink = csvRowSink(builder);
  Papa.parse<string[]>(body, { delimiter, skipEmptyLines: false, step: sink.step });
  const failure = sink.failure();
  if (failure) throw failure;
  return builder.finish(name, emptyCsvMessage(label), { separator: delimiter }, true);
}

/** Streams a CSV file (any supported encoding) through Papa into a table. */
async function readCsvFile(path: string, label: string, encoding: string, delimiter: string, typing: TyperOptions, maxCells: number): Promise<ReadTable> {
  const builder = new TableBuilder(label, maxCells, typing);
  const source = createReadStream(path, { highWaterMark: SNIFF_BYTES });
  async function* decode(): AsyncGenerator<string> {
    // TextDecoder strips a byte-order mark and copes with characters split across chunks
    const decoder = new TextDecoder(encoding);
    for await (const chunk of source) {
      const s = decoder.decode(chunk as Buffer, { stream: true });
      if (s) yield s;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  }
  const text = Readable.from(decode(), { objectMode: false, encoding: 'utf8' });
  const sink = csvRowSink(builder);
  try {
    await new Promise<void>((resolve, reject) => {
      Papa.parse<string[], NodeJS.ReadableStream>(text, {
        delimiter,
        skipEmptyLines: false,
        step: sink.step,
        complete: () => resolve(),
        error: (err: Error) => reject(err),
      });
    });
  } finally {
    source.destroy();
    text.destroy();
  }
  const failure = sink.failure();
  if (failure) throw failure;
  return builder.finish(sheetNameFromFile(path), emptyCsvMessage(label), { separator: delimiter }, true);
}

// ---------------------------------------------------------------------------------------------
// Sniffing what a file really is

type Sniffed =
  | { kind: 'zip' | 'ods' | 'ole' | 'pdf' | 'html' | 'xmlss' | 'binary' | 'empty' }
  | { kind: 'text'; encoding: string; sample: string };

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b);
}

function sniff(buf: Buffer): Sniffed {
  if (buf.length === 0) return { kind: 'empty' };
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04]) || startsWith(buf, [0x50, 0x4b, 0x05, 0x06])) {
    // ODF puts an uncompressed "mimetype" entry first
    const head = buf.subarray(0, 200).toString('latin1');
    return { kind: head.includes('mimetypeapplication/vnd.oasis.opendocument') ? 'ods' : 'zip' };
  }
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: 'ole' };
  if (buf.subarray(0, 1024).toString('latin1').includes('%PDF-')) return { kind: 'pdf' };

  let encoding = 'utf-8';
  if (startsWith(buf, [0xff, 0xfe])) encoding = 'utf-16le';
  else if (startsWith(buf, [0xfe, 0xff])) encoding = 'utf-16be';
  else if (!startsWith(buf, [0xef, 0xbb, 0xbf])) {
    // UTF-16 without a BOM: ASCII text has every other byte zero
    const n = Math.min(buf.length, 4096) & ~1;
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < n; i += 2) {
      if (buf[i] === 0) evenZero++;
      if (buf[i + 1] === 0) oddZero++;
    }
    if (n >= 4 && oddZero > n / 2 * 0.9 && evenZero === 0) encoding = 'utf-16le';
    else if (n >= 4 && evenZero > n / 2 * 0.9 && oddZero === 0) encoding = 'utf-16be';
    else {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(buf, { stream: true });
      } catch {
        encoding = 'windows-1252'; // older CRM/Excel exports; Sheets shows these accents too
      }
    }
  }
  const sample = new TextDecoder(encoding).decode(buf, { stream: true });
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return { kind: 'binary' };
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  if (control > sample.length / 100) return { kind: 'binary' };
  const start = sample.replace(/^\s+/, '').slice(0, 512).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return { kind: 'html' };
  if (start.startsWith('<?xml') && sample.includes('urn:schemas-microsoft-com:office:spreadsheet')) return { kind: 'xmlss' };
  return { kind: 'text', encoding, sample };
}

/** The encoding of a text file from its first bytes (utf-8, utf-16le/be, windows-1252), or what else it is. */
export function textEncodingOf(head: Buffer): { encoding: string } | { kind: string } {
  const s = sniff(head);
  return s.kind === 'text' ? { encoding: s.encoding } : { kind: s.kind };
}

function notWhatItSays(label: string, ext: string, s: Sniffed): LeadsFileError | null {
  const wantXlsx = XLSX_EXTENSIONS.has(ext);
  const msg = (what: string) => new LeadsFileError('UNSUPPORTED_TYPE', label,
    `${label}: expected ${wantXlsx ? 'an Excel workbook (.xlsx)' : 'CSV text'}, but the file ${what}. ` +
    'Export the leads from your CRM as CSV or .xlsx.');
  switch (s.kind) {
    case 'pdf': return msg('is a PDF document');
    case 'ole': return msg('is an Excel 97-2003 .xls workbook (or a password-protected one); save it as .xlsx or CSV first');
    case 'ods': return msg('is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV first');
    case 'html': return msg('is an HTML page');
    case 'xmlss': return msg('is an Excel 2003 XML spreadsheet; save it as .xlsx or CSV first');
    case 'binary': return msg('contains binary data');
    case 'zip': return wantXlsx ? null : msg('is a ZIP archive (an .xlsx workbook named .csv? If so, rename it to .xlsx)');
    case 'text': return wantXlsx ? msg('is plain text (if it is CSV, rename it to .csv)') : null;
    default: return null;
  }
}

// ---------------------------------------------------------------------------------------------
// xlsx

interface XlsxOptions extends ReadOptions {
  /** Used in error messages; default "xlsx data". */
  fileLabel?: string;
  maxCells?: number;
  /** How long a workbook may make no progress before it is refused as damaged; default XLSX_STALL_MS. */
  stallMs?: number;
}

function xlsxFormat(fmt: string | undefined): string | null {
  return !fmt || fmt === 'General' ? null : fmt;
}

type XCell = { value: unknown; numFmt?: string };

function xlsxValue(cell: XCell, timeZone: string): { value: unknown; format: string | null } {
  let v = cell.value;
  const format = xlsxFormat(cell.numFmt);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) {
      // keep the cached result; a formula with none (never calculated) reads as empty
      v = o.result;
      if (v !== null && typeof v === 'object' && !(v instanceof Date) && 'error' in (v as object)) v = (v as { error: string }).error;
      if (typeof v === 'number' && Number.isNaN(v)) v = '#ERROR!'; // error results the streaming reader cannot name
      if (typeof v === 'number' && isDateFormat(format)) {
        // ExcelJS turns only plain date cells into Dates; do the same for formula results
        v = new Date(Math.round((v - 25569) * 86_400_000));
      }
    } else if ('richText' in o) {
      v = (o.richText as { text: string }[]).map(r => r.text ?? '').join('');
    } else if ('error' in o) {
      v = o.error;
    } else if ('text' in o) {
      v = o.text; // hyperlink
    } else if ('sharedString' in o) {
      v = '';
    } else {
      v = String(v);
    }
  }
  if (v === null || v === undefined) return { value: '', format: null };
  if (v instanceof Date) {
    // ExcelJS encodes a cell's wall time in the Date's UTC fields
    return { value: wallTimeToDate(utcPartsOf(v), timeZone), format: format ?? 'yyyy-mm-dd hh:mm:ss' };
  }
  if (typeof v === 'number') return { value: v === 0 ? 0 : v, format };
  if (typeof v === 'string' || typeof v === 'boolean') return { value: v, format: typeof v === 'string' ? null : format };
  return { value: String(v), format: null };
}

interface SheetMeta {
  name: string;
  state?: string;
}

/**
 * The sheet to read: among visible sheets, one named "Leads" (then "Lead…", then "…lead…"),
 * else the first visible one; hidden sheets only if every sheet is hidden.
 */
export function chooseSheet(sheets: SheetMeta[]): string | undefined {
  const visible = sheets.filter(s => !s.state || s.state === 'visible');
  const pool = visible.length > 0 ? visible : sheets;
  const norm = (s: SheetMeta) => s.name.trim().toLowerCase();
  const pick = pool.find(s => norm(s) === 'leads')
    ?? pool.find(s => norm(s).startsWith('lead'))
    ?? pool.find(s => norm(s).includes('lead'))
    ?? pool[0];
  return pick?.name;
}

type StreamFactory = () => Readable;

/**
 * ExcelJS' streaming reader parses a worksheet straight away when the shared strings and
 * relationships have already been read, even if styles.xml comes later in the zip (then date
 * cells would read as plain numbers). This makes it always defer worksheets (it spools them to
 * temp files) until the whole zip has been seen, so styles, names and visibility are all known.
 */
function deferringReader(input: Readable): ExcelJS.stream.xlsx.WorkbookReader & { model?: { sheets?: SheetMeta[] } } {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  }) as unknown as Record<string, unknown>;
  let rels: unknown;
  let zipRead = false;
  Object.defineProperty(reader, 'workbookRels', {
    configurable: true,
    get: () => (zipRead ? rels : undefined),
    set: (v: unknown) => { rels = v; },
  });
  const parseWorksheet = (reader._parseWorksheet as (...a: unknown[]) => Generator).bind(reader);
  reader._parseWorksheet = function* (...args: unknown[]) {
    zipRead = true;
    yield* parseWorksheet(...args);
  };
  return reader as unknown as ExcelJS.stream.xlsx.WorkbookReader & { model?: { sheets?: SheetMeta[] } };
}

/**
 * A worksheet the loop does not read. ExcelJS hands it over on a read stream of its temp file and,
 * as soon as the loop asks for the next one, deletes that file: a stream that had not opened the
 * file yet then failed with ENOENT, an error nobody listened to, which ended the whole process now
 * and then (6 times in 40 reads of an 8-sheet workbook). The stream is closed here first; a closed
 * stream reports no error.
 */
function skipWorksheet(sheet: unknown): void {
  const stream = (sheet as { iterator?: unknown }).iterator;
  if (stream instanceof Readable) {
    stream.on('error', () => {});
    stream.destroy();
  }
}

/** How long a workbook may go without a byte read or a row parsed before it is called damaged. */
export const XLSX_STALL_MS = 15_000;

class Stalled extends Error {}

/**
 * A damaged workbook can leave ExcelJS waiting forever (a ZIP entry that does not inflate never
 * ends the stream it is piped into). Reading that makes no progress for `stallMs` stops, so the
 * command ends with a message instead of hanging.
 */
function untilStalled<T>(work: Promise<T>, watch: { at: number }, stallMs: number, stop: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setInterval(() => {
      if (Date.now() - watch.at <= stallMs) return;
      clearInterval(timer);
      stop();
      reject(new Stalled('stalled'));
    }, Math.max(10, Math.min(1000, stallMs / 4)));
    work.then((v) => { clearInterval(timer); resolve(v); }, (e) => { clearInterval(timer); reject(e); });
  });
}

async function readXlsxStreams(open: StreamFactory, label: string, typing: TyperOptions, maxCells: number, stallMs = XLSX_STALL_MS): Promise<ReadTable> {
  const emptyMessage = `${label} has no data: expected its first worksheet (or one named "Leads") to start with a header row naming the columns.`;
  const pass = (pickFirst: boolean): Promise<{ table?: ReadTable; sawSheets: boolean }> => {
    const watch = { at: Date.now() };
    const source = open();
    const input = source.pipe(new Transform({ transform(chunk, _enc, done) { watch.at = Date.now(); done(null, chunk); } }));
    source.on('error', (e) => input.destroy(e));
    return untilStalled(readPass(pickFirst, input, watch, source), watch, stallMs, () => { source.destroy(); input.destroy(); });
  };
  const readPass = async (pickFirst: boolean, input: Readable, watch: { at: number }, source: Readable): Promise<{ table?: ReadTable; sawSheets: boolean }> => {
    const reader = deferringReader(input);
    let sawSheets = false;
    let table: ReadTable | undefined;
    let target: string | undefined;
    try {
      for await (const ws of reader) {
        const sheet = ws as unknown as { name: string } & AsyncIterable<ExcelJS.Row>;
        if (!sawSheets) {
          sawSheets = true;
          target = pickFirst ? sheet.name : chooseSheet(reader.model?.sheets ?? []);
        }
        if (table || sheet.name !== target) {
          skipWorksheet(sheet);
          continue;
        }
        const builder = new TableBuilder(label, maxCells, typing);
        let lastRow = 0;
        for await (const row of sheet) {
          // rows the sheet leaves out are blank: counted, not materialised
          builder.skipBlank(row.number - lastRow - 1);
          lastRow = row.number;
          const values: unknown[] = [];
          const formats: (string | null)[] = [];
          row.eachCell({ includeEmpty: false }, (cell, col) => {
            const c = xlsxValue(cell as unknown as XCell, typing.timeZone);
            values[col - 1] = c.value;
            formats[col - 1] = c.format;
          });
          builder.addXlsx(values, formats, row.number, sheet.name);
          watch.at = Date.now();
        }
        table = builder.finish(sheet.name, emptyMessage, {}, false);
      }
    } finally {
      input.destroy();
      source.destroy();
    }
    return { table, sawSheets };
  };
  // Now and then the zip reader ends before the workbook's last part, and ExcelJS then fails on a
  // workbook it has not seen (4 of 300 reads of a blank workbook with both cores busy). The input
  // can be read again, so a pass that fails so is read once more before the file is called damaged.
  const passOnceMore = async (pickFirst: boolean) => {
    try {
      return await pass(pickFirst);
    } catch (e) {
      if (e instanceof LeadsFileError || e instanceof RangeError || e instanceof Stalled) throw e;
      return pass(pickFirst);
    }
  };
  try {
    let { table, sawSheets } = await passOnceMore(false);
    if (!sawSheets) {
      throw new LeadsFileError('UNSUPPORTED_TYPE', label,
        `${label}: expected an Excel workbook (.xlsx), but it is a ZIP archive with no worksheets in it.`);
    }
    if (!table) table = (await passOnceMore(true)).table; // sheet names could not be matched: take the first
    if (!table) throw new LeadsFileError('EMPTY', label, emptyMessage);
    return table;
  } catch (e) {
    if (e instanceof LeadsFileError || e instanceof RangeError) throw e;
    if (e instanceof Stalled) {
      throw new LeadsFileError('MALFORMED', label,
        `${label}: could not be read as an Excel workbook (.xlsx): the file is damaged (a part of it cannot be unpacked; nothing was read for ${Math.round(stallMs / 1000) || 1} s). Open it in Excel or Google Sheets and save it again as .xlsx, or export the leads as CSV.`);
    }
    throw new LeadsFileError('MALFORMED', label,
      `${label}: could not be read as an Excel workbook (.xlsx): ${xlsxFailure(e)}. Open it in Excel or Google Sheets and save it again as .xlsx, or export the leads as CSV.`, { cause: e });
  }
}

/** What went wrong inside a workbook, in words: the zip and XML libraries' own messages name their internals. */
function xlsxFailure(e: unknown): string {
  const m = String((e as Error)?.message ?? e);
  if (/FILE_ENDED|end of (central directory|file)|unexpected end|invalid (signature|zip)|zip/i.test(m)) return 'the file is damaged or cut short (its ZIP archive does not read to the end)';
  if (/xml|tag|attribute|sax|entity/i.test(m)) return 'a part of it is not well-formed XML';
  return 'its contents are not those of a workbook';
}

/** Reads the leads sheet of an xlsx workbook held in memory. */
export async function parseXlsx(buffer: Buffer, opts: XlsxOptions = {}): Promise<ReadTable> {
  const label = fileLabel(opts.fileLabel ?? 'xlsx data');
  if (buffer.length === 0) throw new LeadsFileError('EMPTY', label, `${label} is empty (0 bytes): expected an Excel workbook (.xlsx).`);
  const bad = notWhatItSays(label, '.xlsx', sniff(buffer.subarray(0, SNIFF_BYTES)));
  if (bad) throw bad;
  return readXlsxFrom(() => new PassThrough().end(buffer), opts);
}

/** Reads an xlsx from streams `open` makes, one per pass over the file (the tests hand it streams that fail). */
export function readXlsxFrom(open: () => Readable, opts: XlsxOptions = {}): Promise<ReadTable> {
  return readXlsxStreams(open, fileLabel(opts.fileLabel ?? 'xlsx data'), typingOptions(opts), opts.maxCells ?? MAX_CELLS, opts.stallMs);
}

// ---------------------------------------------------------------------------------------------
// Files

export interface ReadFileOptions extends ReadOptions {
  /** Override the cell limit (tests); default MAX_CELLS. */
  maxCells?: number;
  /** How long an .xlsx may make no progress before it is refused as damaged; default XLSX_STALL_MS. */
  stallMs?: number;
}

/** Reads a CSV (.csv/.tsv/.txt) or Excel (.xlsx/.xlsm) leads export. Throws LeadsFileError on anything unusable. */
export async function readLeadsFile(path: string, opts: ReadFileOptions = {}): Promise<ReadTable> {
  const typing = typingOptions(opts);
  const maxCells = opts.maxCells ?? MAX_CELLS;
  const label = fileLabel(path);
  const ext = extname(path).toLowerCase();
  if (!CSV_EXTENSIONS.has(ext) && !XLSX_EXTENSIONS.has(ext)) {
    throw new LeadsFileError('UNSUPPORTED_TYPE', label,
      `${label}: expected a CSV (.csv) or Excel workbook (.xlsx) export, but got ${ext ? `a "${preview(ext, 20)}" file` : 'a file without an extension'}.`);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LeadsFileError('NOT_FOUND', label, `${label}: no such file.`);
    if (code === 'EISDIR') throw new LeadsFileError('UNSUPPORTED_TYPE', label, `${label} is a directory, not a CSV or .xlsx file; give the path of the export file itself.`);
    const why = code === 'EACCES' || code === 'EPERM' ? 'you do not have permission to read it' : code === 'ENAMETOOLONG' ? 'its name is too long' : code === 'ELOOP' ? 'it is a loop of links' : `the system says ${preview(code ?? 'it cannot', 20)}`;
    throw new LeadsFileError('NOT_FOUND', label, `${label}: cannot be opened (${why}).`, { cause: e });
  }
  let head: Buffer;
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new LeadsFileError('UNSUPPORTED_TYPE', label, `${label} is a directory, not a CSV or .xlsx file; give the path of the export file itself.`);
    if (st.size === 0) {
      throw new LeadsFileError('EMPTY', label,
        `${label} is empty (0 bytes): expected ${XLSX_EXTENSIONS.has(ext) ? 'an Excel workbook' : 'CSV text with a header row'}.`);
    }
    head = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const sniffed = sniff(head);
  const bad = notWhatItSays(label, ext, sniffed);
  if (bad) throw bad;
  if (XLSX_EXTENSIONS.has(ext)) {
    return readXlsxStreams(() => createReadStream(path), label, typing, maxCells, opts.stallMs);
  }
  if (sniffed.kind !== 'text') throw new LeadsFileError('UNSUPPORTED_TYPE', label, `${label}: expected CSV text.`);
  if (sniffed.sample.trim() === '' && head.length < SNIFF_BYTES) {
    throw new LeadsFileError('EMPTY', label, emptyCsvMessage(label));
  }
  const delimiter = ext === '.tsv' ? '\t' : detectDelimiter(sniffed.sample.replace(/^\ufeff/, ''));
  return readCsvFile(path, label, sniffed.encoding, delimiter, typing, maxCells);
}
