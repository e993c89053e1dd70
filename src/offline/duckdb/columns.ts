/**
 * The leads' columns as DuckDB typed them, against what the setup asks of each: every mapped
 * column must be there, dates must be dates (or text that reads as dates, in one day order), the
 * deal value a number. What does not fit is said with the column's name and an example of what
 * it holds, before any figure is computed; a few unreadable cells are counted and said, as blank.
 */
import { ColumnKind, duckdb } from '../../core/sql';
import { COLUMN_FIELDS, ColumnField, Setup } from '../../core/setup';
import { normalizeLabel } from '../../core/values';
import { Db } from './connection';
import { SourceError } from './source';

export interface TableColumn {
  name: string;
  /** DuckDB's type: VARCHAR, BIGINT, DATE, TIMESTAMP WITH TIME ZONE… */
  type: string;
  kind: ColumnKind | 'other';
}

/** What LeadFlow makes of a DuckDB type. */
export function kindOfType(type: string): ColumnKind | 'other' {
  const t = type.toUpperCase();
  if (t === 'VARCHAR' || t.startsWith('ENUM')) return 'text';
  if (t === 'BOOLEAN') return 'boolean';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(t)) return 'number';
  if (t === 'TIMESTAMP WITH TIME ZONE') return 'instant';
  if (t === 'DATE' || /^TIMESTAMP(_S|_MS|_NS)?$/.test(t)) return 'wall';
  return 'other';
}

export async function describeColumns(db: Db, from: string): Promise<TableColumn[]> {
  const rows = await db.rows(`DESCRIBE SELECT * FROM ${from}`);
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type), kind: kindOfType(String(r.column_type)) }));
}

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

/**
 * strptime formats for dates written as text in one day order, with and without times (24-hour
 * and AM/PM), then dates with an English month name, which need no order (Zoho's "31 Oct, 2021
 * 17:24:48", "Oct 31, 2021", "31-Oct-2021").
 */
export function dateFormats(order: DateOrder): string[] {
  const days = order === 'dmy' ? ['%d/%m/%Y', '%d.%m.%Y', '%d-%m-%Y'] : order === 'mdy' ? ['%m/%d/%Y', '%m.%d.%Y', '%m-%d-%Y'] : ['%Y/%m/%d', '%Y.%m.%d'];
  const named = ['%d %b, %Y', '%d %b %Y', '%b %d, %Y', '%d-%b-%Y', '%d %B %Y', '%B %d, %Y'];
  const times = [' %H:%M:%S', ' %H:%M', ' %I:%M:%S %p', ' %I:%M %p', ''];
  return [...days, ...named].flatMap((d) => times.map((t) => `${d}${t}`));
}

/** A mapped column: the role it plays, the setup's header and the table's own name. */
interface Mapped {
  role: string;
  header: string;
  column: TableColumn;
  want: 'date' | 'number' | 'any';
}

export interface ColumnReading {
  /** Setup header → the table's column name (case and spacing as the file has them). */
  columnNames: Record<string, string>;
  /** The table's column name → how to read it. */
  kinds: Record<string, ColumnKind>;
  /** strptime formats per text date column. */
  dateFormats: Record<string, string[]>;
  /** The decimal mark of each amount column written as text. */
  decimalMarks: Record<string, '.' | ','>;
  /** A number format with the amounts' currency, when they are written with one ("$4,650.00" → "$"#,##0.00). */
  valueFormat?: string;
  /** What a person should know: day orders worked out, cells that do not read. */
  notes: string[];
}

const show = (v: unknown) => JSON.stringify(String(v).length > 40 ? `${String(v).slice(0, 40)}…` : String(v));
const count = (n: number) => n.toLocaleString('en-US');

/** The roles a setup maps, each with its header. */
function mappedRoles(setup: Setup): { role: string; header: string; want: Mapped['want'] }[] {
  const out: { role: string; header: string; want: Mapped['want'] }[] = [];
  const dates: ColumnField[] = ['arrived', 'removedAt', 'lastActivity'];
  for (const field of ['status', 'result', 'arrived', 'removedAt', 'lastActivity', 'value', 'source', 'owner'] as ColumnField[]) {
    const header = setup.columns[field];
    if (header) out.push({ role: `${COLUMN_FIELDS[field].toLowerCase()} column`, header, want: dates.includes(field) ? 'date' : field === 'value' ? 'number' : 'any' });
  }
  for (const [stage, header] of Object.entries(setup.columns.stageDates ?? {})) if (header) out.push({ role: `date column of the stage ${stage}`, header, want: 'date' });
  for (const [stage, header] of Object.entries(setup.columns.stageFlags ?? {})) if (header) out.push({ role: `yes/no column of the stage ${stage}`, header, want: 'any' });
  return out;
}

/**
 * Checks every column the setup maps against the table and works out how to read it. Throws a
 * SourceError naming the column for one that is missing or of the wrong type.
 */
export async function readColumns(db: Db, from: string, label: string, columns: TableColumn[], setup: Setup, opts: { dateOrder?: DateOrder; fallbackOrder?: DateOrder; fallbackMark?: '.' | ',' } = {}): Promise<ColumnReading> {
  const byLabel = new Map(columns.map((c) => [normalizeLabel(c.name), c]));
  const mapped: Mapped[] = [];
  for (const { role, header, want } of mappedRoles(setup)) {
    const column = byLabel.get(normalizeLabel(header));
    if (!column) {
      throw new SourceError(`The setup's ${role} is "${header}", which ${label} does not have. Its columns are ${columns.map((c) => `"${c.name}"`).join(', ')}. Fix the header in the setup (--setup) or choose the column with --map.`);
    }
    if (column.kind === 'other') throw new SourceError(`The ${role} "${column.name}" of ${label} holds ${column.type} values; expected one value per lead (text, a number or a date).`);
    if (want === 'date' && (column.kind === 'number' || column.kind === 'boolean')) {
      throw new SourceError(`The ${role} "${column.name}" of ${label} holds ${column.kind === 'number' ? 'numbers' : 'TRUE/FALSE values'} (${column.type}), not dates; expected dates such as 2026-03-01 or 01/03/2026 14:05. Map the right column with --map.`);
    }
    if (want === 'number' && (column.kind === 'wall' || column.kind === 'instant' || column.kind === 'boolean')) {
      throw new SourceError(`The ${role} "${column.name}" of ${label} holds ${column.type} values, not amounts; expected numbers such as 1234.50. Map the right column with --map.`);
    }
    mapped.push({ role, header, column, want });
  }
  const reading: ColumnReading = { columnNames: {}, kinds: {}, dateFormats: {}, decimalMarks: {}, notes: [] };
  for (const m of mapped) {
    reading.columnNames[m.header] = m.column.name;
    reading.kinds[m.column.name] = m.column.kind as ColumnKind;
  }
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const filled = (c: string) => `${q(c)} IS NOT NULL AND trim(${q(c)}) <> ''`;

  // Dates written as text: the day order each column shows (a first part over 12 is a day), then how many cells read.
  const textDates = [...new Map(mapped.filter((m) => m.want === 'date' && m.column.kind === 'text').map((m) => [m.column.name, m])).values()];
  if (textDates.length) {
    const parts = textDates.flatMap((m, i) => [
      `count(*) FILTER (WHERE TRY_CAST(regexp_extract(${q(m.column.name)}, '^\\s*(\\d{1,2})[/.-]\\d{1,2}[/.-]\\d{2,4}', 1) AS INTEGER) > 12) AS day_first_${i}`,
      `count(*) FILTER (WHERE TRY_CAST(regexp_extract(${q(m.column.name)}, '^\\s*\\d{1,2}[/.-](\\d{1,2})[/.-]\\d{2,4}', 1) AS INTEGER) > 12) AS month_first_${i}`,
    ]);
    const [orders] = await db.rows(`SELECT ${parts.join(', ')} FROM ${from}`);
    textDates.forEach((m, i) => {
      const dayFirst = Number(orders[`day_first_${i}`]);
      const monthFirst = Number(orders[`month_first_${i}`]);
      let order = opts.dateOrder;
      if (!order) {
        if (dayFirst && monthFirst) {
          throw new SourceError(`The ${m.role} "${m.column.name}" of ${label} mixes dates written day first (${count(dayFirst)} such as 20/10/2017) with dates written month first (${count(monthFirst)} such as 10/20/2017), so its dates cannot be read one way. Fix the column, or give --date-order dmy or mdy to read them all one way.`);
        }
        order = dayFirst ? 'dmy' : monthFirst ? 'mdy' : opts.fallbackOrder ?? 'mdy';
        if (dayFirst || monthFirst) reading.notes.push(`Dates: "${m.column.name}" is written ${order === 'dmy' ? 'day first' : 'month first'} (${count(dayFirst || monthFirst)} dates show it).`);
      }
      reading.dateFormats[m.column.name] = dateFormats(order);
    });
    const checks = textDates.flatMap((m, i) => {
      const unread = `${filled(m.column.name)} AND ${duckdb.parseWall(q(m.column.name), reading.dateFormats[m.column.name], 'UTC')} IS NULL`;
      return [`count(*) FILTER (WHERE ${filled(m.column.name)}) AS filled_${i}`, `count(*) FILTER (WHERE ${unread}) AS unread_${i}`, `any_value(${q(m.column.name)}) FILTER (WHERE ${unread}) AS example_${i}`];
    });
    const [read] = await db.rows(`SELECT ${checks.join(', ')} FROM ${from}`);
    textDates.forEach((m, i) => {
      const [total, unread, example] = [Number(read[`filled_${i}`]), Number(read[`unread_${i}`]), read[`example_${i}`]];
      if (total > 0 && unread === total) {
        throw new SourceError(`The ${m.role} "${m.column.name}" of ${label} holds text such as ${show(example)}, not dates; expected dates such as 2026-03-01, 01/03/2026 or 3/1/2026 9:05 AM. Map the right column with --map, or give --date-order if the dates are written another way.`);
      }
      if (unread) reading.notes.push(`${count(unread)} of ${count(total)} cells of "${m.column.name}" are not dates (such as ${show(example)}); those leads count as having no date there.`);
    });
  }

  // A deal value written as text: its decimal mark (a comma or a dot before one or two last digits shows it), then how many cells read.
  const value = mapped.find((m) => m.want === 'number' && m.column.kind === 'text');
  if (value) {
    const name = value.column.name;
    const [marks] = await db.rows(`SELECT count(*) FILTER (WHERE regexp_matches(${q(name)}, '[0-9],[0-9]{1,2}[^0-9]*$')) AS comma, count(*) FILTER (WHERE regexp_matches(${q(name)}, '[0-9][.][0-9]{1,2}[^0-9]*$')) AS dot FROM ${from}`);
    const [comma, dot] = [Number(marks.comma), Number(marks.dot)];
    if (comma && dot) {
      throw new SourceError(`The ${value.role} "${name}" of ${label} writes amounts with a decimal comma (${count(comma)}, such as 1.234,50) and with a decimal point (${count(dot)}, such as 1,234.50), so they cannot be read one way. Fix the column, or use --engine memory.`);
    }
    const mark = comma ? ',' : dot ? '.' : opts.fallbackMark ?? '.';
    reading.decimalMarks[name] = mark;
    if (mark === ',') reading.notes.push(`Amounts: "${name}" is written with a decimal comma (such as 1.234,50).`);
    const unread = `${filled(name)} AND ${duckdb.parseAmount(q(name), mark)} IS NULL`;
    const [row] = await db.rows(`SELECT count(*) FILTER (WHERE ${filled(name)}) AS total, count(*) FILTER (WHERE ${unread}) AS unread, any_value(${q(name)}) FILTER (WHERE ${unread}) AS example FROM ${from}`);
    const [total, unreadCells] = [Number(row.total), Number(row.unread)];
    if (total > 0 && unreadCells === total) {
      throw new SourceError(`The ${value.role} "${name}" of ${label} holds text such as ${show(row.example)}, not amounts; expected numbers such as 1234.50, $1,234.50 or 1.234,50 €. Map the right column with --map.`);
    }
    if (unreadCells) reading.notes.push(`${count(unreadCells)} of ${count(total)} deal values in "${name}" are not amounts (such as ${show(row.example)}); they count as unknown.`);
    // The currency most amounts are written with, before or after the number, for the sheet's format.
    const [money] = await db.rows(`SELECT mode(regexp_extract(${q(name)}, '(R[$]|[$€£¥₹])', 1)) FILTER (WHERE regexp_matches(${q(name)}, '(R[$]|[$€£¥₹])')) AS symbol, ` +
      `count(*) FILTER (WHERE regexp_matches(${q(name)}, '^[^0-9]*(R[$]|[$€£¥₹])')) AS before FROM ${from}`);
    if (money.symbol) reading.valueFormat = Number(money.before) > 0 ? `"${money.symbol}"#,##0.00` : `#,##0.00 "${money.symbol}"`;
  }
  return reading;
}
