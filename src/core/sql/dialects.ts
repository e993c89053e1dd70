/**
 * Where DuckDB and BigQuery Standard SQL differ, and nowhere else: every query LeadFlow writes is
 * built from these pieces, so the two dialects cannot drift apart. Each piece is one expression or
 * one SELECT; what it means is said once here, and test/sql reads both dialects' text side by side.
 */
export type PeriodUnit = 'week' | 'month' | 'quarter' | 'year';
export type LiteralType = 'text' | 'int' | 'bool';
export type Literal = string | number | boolean;

export interface Dialect {
  name: 'duckdb' | 'bigquery';
  /** A column or table name, quoted. */
  ident(name: string): string;
  /** A text literal. */
  text(value: string): string;
  /** The leads where a condition holds, counted. */
  countIf(condition: string): string;
  /** a ÷ b as a fraction, NULL when b is 0 or NULL. */
  divide(a: string, b: string): string;
  /** The first day of the period a wall time falls in (weeks start on Monday), as a DATE. */
  periodStart(unit: PeriodUnit, wall: string): string;
  /** Every period start from `lo` to `hi` (DATE columns of the one-row CTE `bounds`), as a SELECT of one column `period`. */
  periods(unit: PeriodUnit, bounds: string): string;
  /** An instant (TIMESTAMP) as the wall-clock time of a time zone: what Sheets shows in a spreadsheet set to that zone. */
  instantToWall(column: string, timeZone: string): string;
  /** A DATE, naive TIMESTAMP or DATETIME as a wall time (it already is one). */
  asWall(column: string): string;
  /**
   * Text as a wall time: a time with an offset (2026-03-01T10:00:00Z) as the instant it names, shown
   * in the time zone; else ISO text, then each strptime format in turn; NULL when none reads it.
   */
  parseWall(text: string, formats: string[], timeZone: string): string;
  /** The wall-clock time now in a time zone, when the query runs. */
  now(timeZone: string): string;
  /** Today's date in a time zone, when the query runs. */
  today(timeZone: string): string;
  /** A wall-time literal. */
  wallLiteral(wallMs: number): string;
  /** Days between two wall times, with fractions. */
  daysBetween(from: string, to: string): string;
  /** A wall time plus a whole number of days. */
  plusDays(wall: string, days: number): string;
  /** Text with JavaScript's trim() and white space: NULL when blank (empty or only spaces), else as it is. */
  nullIfBlank(text: string): string;
  /** Text lower-cased, runs of white space, hyphens, underscores, dots and slashes as one space, trimmed (normalizeLabel). */
  label(text: string): string;
  /** Text lower-cased, runs of white space as one space, trimmed (groupKey). */
  groupKey(text: string): string;
  /** Text without white space at either end (JavaScript's trim()). */
  trim(text: string): string;
  /** Text trimmed, runs of white space as one space (how a group's spelling is shown). */
  spelling(text: string): string;
  /** Any value as text. */
  asText(value: string): string;
  /** A number as text the way JavaScript's String() writes it (1, not 1.0). */
  numberText(value: string): string;
  /** Text as a number, NULL when it is not one. */
  asNumber(value: string): string;
  /**
   * An amount written for people as a number: "$4,650.00", "£2,600", "1.234,50 €", "R$ 9.052,00",
   * "(350)", with the column's decimal mark; NULL for text that is not an amount ("12 leads").
   */
  parseAmount(text: string, decimalMark: '.' | ','): string;
  /** The median of `value` per `key` over a FROM clause, as a SELECT of (key, median). */
  medianBy(from: string, key: string, value: string): string;
  /** A small literal table (the pipeline's spellings, the stages) with named, typed columns, for a FROM clause. */
  rows(columns: { name: string; type: LiteralType }[], rows: Literal[][]): string;
  /** The leads' table in a FROM clause: a table name, or for DuckDB a reader such as read_parquet('…'). */
  table(source: string): string;
}

/**
 * JavaScript's \s, which RE2 (the regular expressions of DuckDB and BigQuery) lacks: ASCII white
 * space plus the Unicode spaces web forms and CRM exports carry (the no-break space above all).
 */
export const WHITE_SPACE = '\\s\\x{0B}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** The separators LeadFlow's labels treat as one space (see normalizeLabel in values.ts). */
const SEPARATORS = `[${WHITE_SPACE}\\-_./]+`;
const SPACES = `[${WHITE_SPACE}]+`;
/** An amount as people write one: a sign or parentheses, a currency before or after, digits grouped by dots, commas, spaces or apostrophes (\x{27}: no quote inside a SQL string). */
const CURRENCY = `(?:[$€£¥₹]|R\\$|[A-Z]{3})`;
const AMOUNT = `[${WHITE_SPACE}]*[(]?[${WHITE_SPACE}]*-?[${WHITE_SPACE}]*${CURRENCY}?[${WHITE_SPACE}]*-?[0-9][0-9.,\\x{27}${WHITE_SPACE}]*[${WHITE_SPACE}]*${CURRENCY}?[${WHITE_SPACE}]*[)]?[${WHITE_SPACE}]*`;
/** A date and time ending in an offset from UTC: an instant (Z, +02:00, -0500). */
const WITH_OFFSET = '[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$';
const EDGES = `^[${WHITE_SPACE}]+|[${WHITE_SPACE}]+$`;

const pad = (n: number) => String(n).padStart(2, '0');
/** A wall time (ms, read as UTC) as yyyy-mm-dd hh:mm:ss. */
export const wallText = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
/** Standard SQL text: quotes doubled, backslashes as they are (DuckDB reads no escapes). */
const standardText = (value: string) => `'${value.replace(/'/g, "''")}'`;
/** BigQuery text: backslashes escaped too, and a new line as \n (a quoted string holds no raw line break). */
const bigqueryText = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

export const duckdb: Dialect = {
  name: 'duckdb',
  ident: (name) => `"${name.replace(/"/g, '""')}"`,
  text: standardText,
  countIf: (condition) => `count(*) FILTER (WHERE ${condition})`,
  divide: (a, b) => `CAST(${a} AS DOUBLE) / NULLIF(${b}, 0)`,
  periodStart: (unit, wall) => `CAST(date_trunc('${unit}', ${wall}) AS DATE)`,
  periods: (unit, bounds) => `SELECT CAST(unnest(generate_series(CAST(lo AS TIMESTAMP), CAST(hi AS TIMESTAMP), INTERVAL 1 ${unit.toUpperCase()})) AS DATE) AS period FROM ${bounds}`,
  instantToWall: (column, timeZone) => `timezone(${standardText(timeZone)}, ${column})`,
  asWall: (column) => `CAST(${column} AS TIMESTAMP)`,
  parseWall: (text, formats, timeZone) => `CASE WHEN regexp_matches(${text}, '${WITH_OFFSET}') THEN timezone(${standardText(timeZone)}, TRY_CAST(${text} AS TIMESTAMPTZ))` +
    ` ELSE coalesce(TRY_CAST(${text} AS TIMESTAMP)${formats.length ? `, try_strptime(${text}, [${formats.map(standardText).join(', ')}])` : ''}) END`,
  now: (timeZone) => `timezone(${standardText(timeZone)}, now())`,
  today: (timeZone) => `CAST(timezone(${standardText(timeZone)}, now()) AS DATE)`,
  wallLiteral: (ms) => `TIMESTAMP '${wallText(ms)}'`,
  daysBetween: (from, to) => `(epoch(${to}) - epoch(${from})) / 86400.0`,
  plusDays: (wall, days) => `(${wall} + INTERVAL ${days} DAY)`,
  nullIfBlank: (text) => `CASE WHEN regexp_full_match(${text}, '[${WHITE_SPACE}]*') THEN NULL ELSE ${text} END`,
  label: (text) => `trim(regexp_replace(lower(${text}), '${SEPARATORS}', ' ', 'g'))`,
  groupKey: (text) => `trim(regexp_replace(lower(coalesce(${text}, '')), '${SPACES}', ' ', 'g'))`,
  trim: (text) => `regexp_replace(${text}, '${EDGES}', '', 'g')`,
  spelling: (text) => `regexp_replace(${duckdb.trim(`coalesce(${text}, '')`)}, '${SPACES}', ' ', 'g')`,
  asText: (value) => `CAST(${value} AS VARCHAR)`,
  // DuckDB writes a DOUBLE 3 as "3.0"; a whole number is written as an integer, as Sheets and JavaScript do.
  numberText: (value) => `CASE WHEN ${value} = trunc(${value}) AND abs(${value}) < 1e15 THEN CAST(CAST(${value} AS BIGINT) AS VARCHAR) ELSE CAST(${value} AS VARCHAR) END`,
  asNumber: (value) => `TRY_CAST(${value} AS DOUBLE)`,
  parseAmount: (text, mark) => `CASE WHEN regexp_full_match(${text}, '${AMOUNT}') THEN (CASE WHEN regexp_matches(${text}, '[(-]') THEN -1 ELSE 1 END) * ` +
    `TRY_CAST(${mark === '.' ? `regexp_replace(${text}, '[^0-9.]', '', 'g')` : `replace(regexp_replace(${text}, '[^0-9,]', '', 'g'), ',', '.')`} AS DOUBLE) END`,
  medianBy: (from, key, value) => `SELECT ${key}, median(${value}) AS median FROM ${from} GROUP BY ${key}`,
  rows: (columns, rows) => `(VALUES\n    ${rows.map((r) => `(${r.map((v) => (typeof v === 'string' ? standardText(v) : String(v))).join(', ')})`).join(',\n    ')}\n  ) AS t(${columns.map((c) => c.name).join(', ')})`,
  table: (source) => source,
};

const BIGQUERY_PART: Record<PeriodUnit, string> = { week: 'ISOWEEK', month: 'MONTH', quarter: 'QUARTER', year: 'YEAR' };
/** A period as GENERATE_DATE_ARRAY steps it (weeks and quarters in days and months, which every BigQuery tool reads). */
const BIGQUERY_STEP: Record<PeriodUnit, string> = { week: '7 DAY', month: '1 MONTH', quarter: '3 MONTH', year: '1 YEAR' };
const BIGQUERY_TYPE: Record<LiteralType, string> = { text: 'STRING', int: 'INT64', bool: 'BOOL' };

export const bigquery: Dialect = {
  name: 'bigquery',
  ident: (name) => `\`${name.replace(/`/g, '\\`')}\``,
  text: bigqueryText,
  countIf: (condition) => `COUNTIF(${condition})`,
  divide: (a, b) => `SAFE_DIVIDE(${a}, ${b})`,
  periodStart: (unit, wall) => `DATE_TRUNC(DATE(${wall}), ${BIGQUERY_PART[unit]})`,
  periods: (unit, bounds) => `SELECT period FROM ${bounds}, UNNEST(GENERATE_DATE_ARRAY(lo, hi, INTERVAL ${BIGQUERY_STEP[unit]})) AS period`,
  // A TIMESTAMP is an instant; DATETIME(ts, zone) is its wall-clock time in that zone.
  instantToWall: (column, timeZone) => `DATETIME(${column}, ${bigqueryText(timeZone)})`,
  asWall: (column) => `DATETIME(${column})`,
  parseWall: (text, formats, timeZone) => `IF(REGEXP_CONTAINS(${text}, r'${WITH_OFFSET}'), DATETIME(SAFE_CAST(${text} AS TIMESTAMP), ${bigqueryText(timeZone)}),` +
    ` COALESCE(SAFE_CAST(${text} AS DATETIME)${formats.map((f) => `, SAFE.PARSE_DATETIME(${bigqueryText(f)}, ${text})`).join('')}))`,
  now: (timeZone) => `CURRENT_DATETIME(${bigqueryText(timeZone)})`,
  today: (timeZone) => `CURRENT_DATE(${bigqueryText(timeZone)})`,
  wallLiteral: (ms) => `DATETIME '${wallText(ms)}'`,
  daysBetween: (from, to) => `DATETIME_DIFF(${to}, ${from}, MILLISECOND) / 86400000.0`,
  plusDays: (wall, days) => `DATETIME_ADD(${wall}, INTERVAL ${days} DAY)`,
  nullIfBlank: (text) => `IF(REGEXP_CONTAINS(${text}, r'^[${WHITE_SPACE}]*$'), NULL, ${text})`,
  label: (text) => `TRIM(REGEXP_REPLACE(LOWER(${text}), r'${SEPARATORS}', ' '))`,
  groupKey: (text) => `TRIM(REGEXP_REPLACE(LOWER(COALESCE(${text}, '')), r'${SPACES}', ' '))`,
  trim: (text) => `REGEXP_REPLACE(${text}, r'${EDGES}', '')`,
  spelling: (text) => `REGEXP_REPLACE(${bigquery.trim(`COALESCE(${text}, '')`)}, r'${SPACES}', ' ')`,
  asText: (value) => `CAST(${value} AS STRING)`,
  numberText: (value) => `CAST(${value} AS STRING)`,
  asNumber: (value) => `SAFE_CAST(${value} AS FLOAT64)`,
  parseAmount: (text, mark) => `IF(REGEXP_CONTAINS(${text}, r'^${AMOUNT}$'), IF(REGEXP_CONTAINS(${text}, r'[(-]'), -1, 1) * ` +
    `SAFE_CAST(${mark === '.' ? `REGEXP_REPLACE(${text}, r'[^0-9.]', '')` : `REPLACE(REGEXP_REPLACE(${text}, r'[^0-9,]', ''), ',', '.')`} AS FLOAT64), NULL)`,
  // BigQuery's exact median is an analytic function: computed over each key's rows, then one row kept per key.
  medianBy: (from, key, value) => `SELECT DISTINCT ${key}, PERCENTILE_CONT(${value}, 0.5) OVER (PARTITION BY ${key}) AS median FROM ${from}`,
  rows: (columns, rows) => {
    // The first row carries the types; the rest are plain tuples of the same shape.
    const struct = `STRUCT<${columns.map((c) => `${c.name} ${BIGQUERY_TYPE[c.type]}`).join(', ')}>`;
    const tuple = (r: Literal[]) => `(${r.map((v) => (typeof v === 'string' ? bigqueryText(v) : String(v).toUpperCase())).join(', ')})`;
    return `UNNEST([\n    ${rows.map((r, i) => `${i ? '' : struct}${tuple(r)}`).join(',\n    ')}\n  ])`;
  },
  table: (source) => (/^`/.test(source) ? source : `\`${source}\``),
};

export const DIALECTS = { duckdb, bigquery } as const;
export type DialectName = keyof typeof DIALECTS;
