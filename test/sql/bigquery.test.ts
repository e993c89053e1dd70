/**
 * The BigQuery queries: every one LeadFlow writes parses with a BigQuery-dialect SQL parser, for
 * setups with and without every optional column, cohorts and periods; and each reads, clause by
 * clause, as the DuckDB query for the same setup (proven equal to src/core in
 * duckdb-equals-core.test.ts) with BigQuery's own forms where the dialects differ: COUNTIF for
 * count(*) FILTER, SAFE_DIVIDE for a division by NULLIF, DATE_TRUNC with ISOWEEK for
 * date_trunc('week'), and DATETIME(ts, zone) for timezone(zone, ts).
 */
import bigqueryParser from 'node-sql-parser/build/bigquery.js';
import { describe, expect, it } from 'vitest';
import { defaultSetup, Setup } from '../../src/core/setup';
import { compileSql, CompileOptions, renderScript, standalone } from '../../src/core/sql';

const parser = new (bigqueryParser as unknown as { Parser: new () => { astify(sql: string, opts: { database: string }): unknown } }).Parser();
const parses = (sql: string) => {
  try {
    parser.astify(sql, { database: 'BigQuery' });
    return true;
  } catch (e) {
    return (e as Error).message;
  }
};

function fullSetup(): Setup {
  const setup = defaultSetup('Leads');
  Object.assign(setup.columns, {
    status: 'Lead Status', result: 'Deal Result', arrived: 'Create Date', removedAt: 'Removed On', lastActivity: 'Last Activity Date',
    value: 'Amount', source: 'Original Source', owner: 'Lead Owner',
  });
  setup.columns.stageDates = { Reviewed: 'Became Reviewed Date', Qualified: 'Became Qualified Date' };
  setup.columns.stageFlags = { 'Converted to Opportunity': 'Converted?' };
  // A spelling with a quote and a backslash, which BigQuery escapes differently from DuckDB.
  setup.stages[1].aliases.push("Won't answer \\ later");
  return setup;
}

function bareSetup(): Setup {
  const setup = defaultSetup('Leads');
  setup.columns.status = 'Status';
  return setup;
}

const SNAKE = { 'Lead Status': 'lead_status', 'Deal Result': 'deal_result', 'Create Date': 'create_date', 'Removed On': 'removed_on', 'Last Activity Date': 'last_activity_date', Amount: 'amount', 'Original Source': 'original_source', 'Lead Owner': 'lead_owner', 'Became Reviewed Date': 'became_reviewed_date', 'Became Qualified Date': 'became_qualified_date', 'Converted?': 'converted' };

const VARIANTS: [string, Setup, Partial<CompileOptions>][] = [
  ['every column, instants, per month', fullSetup(), {}],
  ['every column, snake_case names, DATE columns, a quarter cohort, per week', fullSetup(), {
    columnNames: SNAKE, kinds: { create_date: 'wall', removed_on: 'wall', last_activity_date: 'wall', became_reviewed_date: 'wall', became_qualified_date: 'wall' },
    cohort: { start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 2, 31), label: '2026-Q1' }, unit: 'week',
  }],
  ['dates written as text, cohort-based flow, per quarter', fullSetup(), { kinds: { 'Create Date': 'text', 'Removed On': 'text' }, dateFormats: { 'Create Date': ['%d/%m/%Y %H:%M', '%d/%m/%Y'] }, flowBased: false, unit: 'quarter' }],
  ['a status column and nothing else', bareSetup(), {}],
  ['a year-to-date cohort that moves with the calendar', fullSetup(), { cohort: { live: true, label: 'Year to date' } }],
];

describe('BigQuery queries parse as BigQuery SQL', () => {
  for (const [name, setup, opts] of VARIANTS) {
    it(name, () => {
      const compiled = compileSql(setup, 'bigquery', { table: 'acme-crm.sales.leads', timeZone: 'Europe/Paris', ...opts });
      expect(compiled.queries.length).toBeGreaterThan(1);
      for (const q of compiled.queries) expect([q.name, parses(standalone(compiled, q))]).toEqual([q.name, true]);
    });
  }

  it('and the parser tells the dialects apart: the DuckDB text of the same funnel does not parse', () => {
    const compiled = compileSql(fullSetup(), 'duckdb', { table: 'leads', timeZone: 'Europe/Paris' });
    const funnel = compiled.queries.find((q) => q.name === 'funnel')!;
    expect(parses(standalone(compiled, funnel))).not.toBe(true);
  });

  it('the whole script is commented and names the table and the time zone', () => {
    const compiled = compileSql(fullSetup(), 'bigquery', { table: 'acme-crm.sales.leads', timeZone: 'Europe/Paris' });
    const script = renderScript(compiled, { target: 'the BigQuery table acme-crm.sales.leads', timeZone: 'Europe/Paris' });
    expect(script).toContain('FROM `acme-crm.sales.leads`');
    expect(script.match(/;\n/g)!.length).toBe(compiled.queries.length);
    for (const q of compiled.queries) expect(script).toContain(`-- ${q.title}.`);
    expect(script).toContain("DATETIME(`Create Date`, 'Europe/Paris') AS arrived");
    expect(script).toContain("('won\\'t answer \\\\ later', 1, -1)");
  });
});

// ---------------------------------------------------------------- reading the two dialects side by side

/** The text of every call of `open` (up to its matching parenthesis), with where it starts and ends. */
function calls(sql: string, open: RegExp): { args: string; start: number; end: number }[] {
  const out: { args: string; start: number; end: number }[] = [];
  const re = new RegExp(open.source, 'g');
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    let depth = 1;
    let i = m.index + m[0].length;
    let quote = '';
    for (; i < sql.length && depth > 0; i++) {
      const ch = sql[i];
      if (quote) {
        if (ch === '\\') i++;
        else if (ch === quote) quote = '';
      } else if (ch === "'" || ch === '`' || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    out.push({ args: sql.slice(m.index + m[0].length, i - 1), start: m.index, end: i });
  }
  return out;
}

/** Arguments split at their top-level commas. */
function splitTop(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '(') depth++;
    else if (args[i] === ')') depth--;
    else if (args[i] === ',' && depth === 0) {
      out.push(args.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(args.slice(start).trim());
  return out;
}

/** DuckDB's count(*) FILTER (WHERE c), written as BigQuery's COUNTIF(c), to read the rest of an expression alike. */
function asBigQueryCounts(text: string): string {
  let out = text;
  for (const c of calls(text, /count\(\*\) FILTER \(WHERE /).reverse()) out = `${out.slice(0, c.start)}COUNTIF(${c.args})${out.slice(c.end)}`;
  return out;
}

/** Names quoted either way, and the two dialects' names of the same type, as one text. */
const neutral = (s: string) => s.replace(/[`"]([^`"]+)[`"]/g, '$1').replace(/\bVARCHAR\b/g, 'STRING').replace(/\s+/g, ' ').trim();

/** The common table expressions of a query: name → body (top-level only). */
function clauses(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of calls(sql, /(?:^|\n)([a-z_]+) AS \(/)) {
    const name = /([a-z_]+) AS \($/.exec(sql.slice(c.start, c.start + 80).split('\n').filter(Boolean)[0])![1];
    out.set(name, c.args);
  }
  out.set('(select)', sql.slice(sql.lastIndexOf('\n)\n') + 3));
  return out;
}

describe('BigQuery and DuckDB say the same thing, clause by clause', () => {
  const opts = { table: 'leads', timeZone: 'America/Chicago', cohort: { start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 5, 30) }, unit: 'week' as const };
  const duck = compileSql(fullSetup(), 'duckdb', opts);
  const big = compileSql(fullSetup(), 'bigquery', opts);

  for (const q of duck.queries) {
    it(q.name, () => {
      const bq = big.queries.find((b) => b.name === q.name)!;
      const d = clauses(standalone(duck, q));
      const b = clauses(standalone(big, bq));
      expect([...b.keys()]).toEqual([...d.keys()]);
      for (const [name, duckText] of d) {
        const bigText = b.get(name)!;
        // COUNTIF: the same conditions, in the same order.
        const filtered = calls(duckText, /count\(\*\) FILTER \(WHERE /).map((c) => neutral(c.args));
        expect(calls(bigText, /COUNTIF\(/).map((c) => neutral(c.args)), `${name}: COUNTIF`).toEqual(filtered);
        // SAFE_DIVIDE: the same divisions, numerator and denominator.
        const casts = calls(duckText, /CAST\(/);
        const divisions = calls(duckText, /NULLIF\(/).map((c) => {
          const numerator = casts.find((k) => k.end === c.start - 3)!;
          return [numerator.args.replace(/ AS DOUBLE$/, ''), c.args.replace(/, 0$/, '')].map((t) => neutral(asBigQueryCounts(t)));
        });
        expect(calls(bigText, /SAFE_DIVIDE\(/).map((c) => splitTop(c.args).map(neutral)), `${name}: SAFE_DIVIDE`).toEqual(divisions);
        // Date truncation: the same units (ISO weeks start on Monday in both).
        const units = calls(duckText, /date_trunc\(/).map((c) => /^'(\w+)'/.exec(c.args)![1]);
        const parts = calls(bigText, /DATE_TRUNC\(/).map((c) => /, (\w+)$/.exec(c.args)![1].replace('ISOWEEK', 'week').toLowerCase());
        expect(parts, `${name}: DATE_TRUNC`).toEqual(units);
        // Time zones: the same columns shown in the same zone.
        const zoned = calls(duckText, /timezone\(/).map((c) => neutral(c.args).replace(/^('[^']+'), (.*)$/, '$2, $1'));
        expect(calls(bigText, /DATETIME\((?=`[^`]+`, ')/).map((c) => neutral(c.args)), `${name}: DATETIME(ts, zone)`).toEqual(zoned.filter((z) => !z.startsWith('now()')));
        // Now, in the zone: the clock when the query runs.
        expect(calls(bigText, /CURRENT_DATETIME\(/).map((c) => c.args), `${name}: CURRENT_DATETIME`).toEqual(zoned.filter((z) => z.startsWith('now()')).map((z) => z.replace('now(), ', '')));
        // And the columns each clause makes, by name.
        const aliases = (t: string) => [...t.matchAll(/ AS ([a-z_][a-z0-9_]*)\b(?!\s*\()/g)].map((m) => m[1]).filter((a) => !['DOUBLE', 'FLOAT64', 'STRING', 'VARCHAR', 'TIMESTAMP', 'DATETIME', 'DATE', 'INTEGER', 'BIGINT'].includes(a.toUpperCase()));
        expect(aliases(bigText), `${name}: column names`).toEqual(aliases(duckText));
      }
    });
  }

  it('reads the zones and weeks it claims to: Chicago time, ISO weeks', () => {
    const flow = standalone(big, big.queries.find((q) => q.name === 'net_lead_flow')!);
    expect(flow).toContain("DATETIME(`Create Date`, 'America/Chicago')");
    expect(flow).toContain('ISOWEEK)');
    expect(flow).toContain('GENERATE_DATE_ARRAY(lo, hi, INTERVAL 7 DAY)');
    const duckFlow = standalone(duck, duck.queries.find((q) => q.name === 'net_lead_flow')!);
    expect(duckFlow).toContain(`timezone('America/Chicago', "Create Date")`);
    expect(duckFlow).toContain(`date_trunc('week', arrived)`);
  });
});
