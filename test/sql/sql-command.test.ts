/**
 * `leadflow sql`: the queries for a setup file or a leads file, for BigQuery or DuckDB, whole or one
 * at a time; every option checked with a message that names it and what it expected. The DuckDB
 * script, run as printed over the leads file, gives the report's funnel.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bigqueryParser from 'node-sql-parser/build/bigquery.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/offline/duckdb/connection';
import { runDuckDbReport } from '../../src/offline/duckdb/report';
import { sqlScript } from '../../src/offline/sql';
import { corpus, writeCorpus } from '../corpus/index.ts';

const parser = new (bigqueryParser as unknown as { Parser: new () => { astify(sql: string, opts: { database: string }): unknown } }).Parser();
const dir = mkdtempSync(join(tmpdir(), 'leadflow-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let paths: Record<string, string>;
let setupPath: string;
beforeAll(async () => {
  paths = await writeCorpus(dir);
  const u = await runDuckDbReport({ input: paths['hubspot-deals'], out: join(dir, 'deals.xlsx'), action: 'funnel', timeZone: 'America/Chicago', progress: null, report: null });
  setupPath = join(dir, 'setup.json');
  writeFileSync(setupPath, JSON.stringify(u.understood.setup));
}, 60_000);

describe('leadflow sql', () => {
  it('prints every query for BigQuery from a setup file, each parsing as BigQuery SQL', async () => {
    const script = await sqlScript({ dialect: 'bigquery', table: 'acme-crm.hubspot.deals', setupPath, timeZone: 'America/Chicago', progress: null });
    const queries = script.split(/;\n/).filter((q) => /\bSELECT\b/.test(q));
    expect(queries.length).toBeGreaterThanOrEqual(7);
    for (const q of queries) expect(() => parser.astify(q, { database: 'BigQuery' })).not.toThrow();
    expect(script).toContain('FROM `acme-crm.hubspot.deals`');
    expect(script).toContain("DATETIME(`Create Date`, 'America/Chicago') AS arrived");
  });

  it('names columns in snake_case and reads DATE columns as they are when asked', async () => {
    const one = await sqlScript({ dialect: 'bigquery', table: 'crm.deals', setupPath, columnNames: 'snake', dates: 'wall', query: 'funnel', progress: null });
    expect(one).toContain('DATETIME(`create_date`) AS arrived');
    expect(one).toContain('`deal_stage`');
    expect(one.trimEnd().endsWith(';')).toBe(false);
    expect(() => parser.astify(one, { database: 'BigQuery' })).not.toThrow();
  });

  it('proposes the setup from a leads file when no setup is given, and its DuckDB script runs as printed to the report\'s numbers', async () => {
    for (const id of ['zoho-leads', 'hand-kept-fr', 'salesforce-opportunities']) {
      const e = corpus().find((x) => x.id === id)!;
      const lines: string[] = [];
      const funnel = await sqlScript({ dialect: 'duckdb', input: paths[id], timeZone: e.timeZone, query: 'funnel', progress: (l) => lines.push(l) });
      expect(lines.some((l) => l.startsWith('Pipeline (')), id).toBe(true);
      const db = await Db.open();
      const result = await db.table(funnel);
      db.close();
      expect(result.columns.slice(0, 3)).toEqual(['stage_no', 'stage', 'reached']);
      expect(result.rows.map((r) => Number(r[2])), id).toEqual(e.truth.funnel);
      if (e.truth.value) expect(result.rows.map((r) => Number(r[7])), `${id} known value`).toEqual(e.truth.value);
    }
  }, 60_000);

  it('says what is wrong with an option', async () => {
    const run = (o: Partial<Parameters<typeof sqlScript>[0]>) => sqlScript({ dialect: 'bigquery', table: 'acme-crm.crm.leads', setupPath, progress: null, ...o });
    await expect(run({ dialect: 'postgres' })).rejects.toThrow('--dialect must be bigquery or duckdb, not "postgres".');
    await expect(run({ table: undefined })).rejects.toThrow('--table is required: the BigQuery table holding the leads, as project.dataset.table.');
    await expect(run({ table: 'leads' })).rejects.toThrow('--table "leads": Add the dataset: write dataset.table or project.dataset.table, e.g. my-project.crm.leads.');
    await expect(run({ setupPath: undefined })).rejects.toThrow('give the setup with --setup setup.json (write one with "leadflow setup leads.csv"), or a leads file to propose one from.');
    await expect(run({ query: 'pipeline' })).rejects.toThrow(/--query "pipeline" is not one of this setup's queries: leads_counted, funnel, /);
    await expect(run({ period: 'fortnight' })).rejects.toThrow('--period must be one of week, month, quarter, year, not "fortnight".');
    await expect(run({ timeZone: 'Mars/Olympus' })).rejects.toThrow('--time-zone "Mars/Olympus" is not a time zone');
    await expect(run({ dates: 'local' })).rejects.toThrow('--dates must be timestamp');
    writeFileSync(join(dir, 'bad-setup.json'), JSON.stringify({ stages: [] }));
    await expect(run({ setupPath: join(dir, 'bad-setup.json') })).rejects.toThrow(/bad-setup\.json is not a valid LeadFlow setup:\n {2}stages: Add at least one stage\./);
  });

  it('is a command: leadflow sql prints to stdout and fails with a message and exit 1', () => {
    const ok = spawnSync(process.execPath, ['bin/leadflow.mjs', 'sql', '--table', 'acme-crm.crm.leads', '--setup', setupPath, '--query', 'net_lead_flow'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^WITH\n/);
    const bad = spawnSync(process.execPath, ['bin/leadflow.mjs', 'sql', '--table', 'acme-crm.crm.leads'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('leadflow sql: give the setup with --setup setup.json (write one with "leadflow setup leads.csv"), or a leads file to propose one from.\n');
  });
});
