/**
 * The build dialog's "Use in BigQuery" panel without a page (src/pages/build-dialog/bigquery.ts):
 * table names checked the way BigQuery names them, headers in snake_case, date columns' kind, and
 * the SQL of the dialog's choices: a funnel cohort has exactly the bounds the funnel sheet gets,
 * net lead flow counts per week or month, one query or the whole script.
 */
import { describe, expect, it } from 'vitest';
import { BuildData, BuildRequest, planBuild, withSetup } from '../../src/core/report/index.ts';
import { compileSql, renderScript } from '../../src/core/sql/index.ts';
import { wallText } from '../../src/core/sql/dialects.ts';
import { DAY_MS, serialToWall } from '../../src/core/time.ts';
import {
  BigQueryChoices, DialogChoices, cleanTable, columnNames, dateKinds, mappedHeaders, panelSql, readHeaders, snakeCase, tableProblem,
} from '../../src/pages/build-dialog/bigquery.ts';
import { hostWithLeads } from './helpers.ts';

function buildData(rows = 120): BuildData {
  const { host } = hostWithLeads(rows);
  const read = host.run('leadflowBuildData', [{}]);
  if (!read.ok) throw new Error(read.error.message);
  return withSetup(read.value as BuildData);
}

const choices = (over: Partial<BigQueryChoices> = {}): BigQueryChoices => ({ table: 'my-project.crm.leads', names: 'headers', dates: 'timestamp', query: 'all', ...over });

function sqlOf(data: BuildData, dialog: DialogChoices, over: Partial<BigQueryChoices> = {}): string {
  const r = panelSql(data, dialog, choices(over));
  if (!r.ok) throw new Error(r.message);
  return r.sql;
}

describe('the table name', () => {
  it('takes project.dataset.table and dataset.table as BigQuery names them', () => {
    for (const ok of ['my-project.crm.leads', 'crm.leads', 'acme-marketing-2024.hubspot_export.contacts', 'example.com:my-project.crm.leads',
      'my-project.crm.Leads 2026-Q1', 'my-project.crm.leads_é', '  `my-project.crm.leads`  ', 'CRM_Data.Leads']) {
      expect(tableProblem(ok), ok).toBe('');
    }
    expect(cleanTable(' `my-project.crm.leads` ')).toBe('my-project.crm.leads');
  });

  it('says what is wrong, in words, for each kind of mistake', () => {
    expect(tableProblem('')).toBe('Type the table that holds your leads, as project.dataset.table.');
    expect(tableProblem('leads')).toBe('Add the dataset: write dataset.table or project.dataset.table, e.g. my-project.crm.leads.');
    expect(tableProblem('a.b.c.d')).toBe('A table name has at most three parts, project.dataset.table; “a.b.c.d” has 4.');
    expect(tableProblem('crm..leads')).toBe('A part of the name is empty: write project.dataset.table, with one dot between parts.');
    expect(tableProblem('crm.leads.')).toBe('A part of the name is empty: write project.dataset.table, with one dot between parts.');
    expect(tableProblem('My-Project.crm.leads')).toBe('“My-Project” is not a Google Cloud project ID: 6 to 30 lowercase letters, digits and hyphens, starting with a letter.');
    expect(tableProblem('abc.crm.leads')).toMatch(/^“abc” is not a Google Cloud project ID/);
    expect(tableProblem('1project.crm.leads')).toMatch(/^“1project” is not a Google Cloud project ID/);
    expect(tableProblem('my-project.crm-data.leads')).toBe('“crm-data” is not a dataset name: letters, digits and underscores only.');
    expect(tableProblem('my-project.crm.leads;drop')).toBe('“leads;drop” is not a table name: letters, digits, underscores, hyphens and spaces only.');
    expect(tableProblem("my-project.crm.leads'")).toMatch(/is not a table name/);
    expect(tableProblem('example.com:my-project.leads')).toBe('A domain-scoped project needs the dataset and table too: example.com:my-project.dataset.table.');
  });
});

describe('column names and kinds', () => {
  it('writes headers in snake_case, BigQuery-safe, two headers never sharing a name', () => {
    expect(snakeCase('Lead Status')).toBe('lead_status');
    expect(snakeCase('First Response (hours)')).toBe('first_response_hours');
    expect(snakeCase('Créé le')).toBe('cree_le');
    expect(snakeCase('2nd touch')).toBe('_2nd_touch');
    expect(snakeCase('#')).toBe('column');
    const data = buildData(40);
    const setup = structuredClone(data.setup);
    setup.columns.stageDates = { Qualified: 'Lead-Status' };
    setup.columns.stageFlags = { Reviewed: 'Lead Status' };
    const names = columnNames(setup, 'snake');
    expect(names['Lead Status']).toBe('lead_status');
    expect(names['Lead-Status']).toBe('lead_status_2');
    expect(names['Created Time']).toBe('created_time');
    expect(Object.keys(names)).toEqual(mappedHeaders(setup));
    expect(columnNames(setup, 'headers')['Lead Status']).toBe('Lead Status');
    // The columns the SQL reads: not the checklist's (next step, outcome...).
    expect(readHeaders(setup)).not.toContain('Next Step');
    expect(mappedHeaders(setup)).toContain('Next Step');
  });

  it('marks only the date columns as DATE/DATETIME, by their BigQuery names', () => {
    const setup = structuredClone(buildData(40).setup);
    setup.columns.removedAt = 'Closed On';
    setup.columns.stageDates = { Qualified: 'Qualified On' };
    const names = columnNames(setup, 'snake');
    expect(dateKinds(setup, names, 'timestamp')).toBeUndefined();
    expect(dateKinds(setup, names, 'wall')).toEqual({ created_time: 'wall', closed_on: 'wall', last_activity: 'wall', qualified_on: 'wall' });
  });
});

describe('the SQL of the dialog\'s choices', () => {
  const data = buildData();

  it('is renderScript of compileSql for the table, every query standalone, the header saying where it came from', () => {
    const sql = sqlOf(data, { kind: 'funnel', cohort: 'all' });
    const compiled = compileSql(data.setup, 'bigquery', { table: 'my-project.crm.leads', timeZone: data.timeZone, cohort: { label: 'All leads' } });
    const script = renderScript(compiled, { target: 'BigQuery', timeZone: data.timeZone });
    // Same queries, same text, after the header lines.
    expect(sql.slice(sql.indexOf('\n\n'))).toBe(script.slice(script.indexOf('\n\n')));
    expect(sql).toContain('-- From LeadFlow\'s proposal for the sheet "Leads" (no setup saved yet).');
    expect(sql).toContain('FROM `my-project.crm.leads`');
    expect(sql).toContain('CURRENT_DATETIME(\'America/New_York\')');
    expect(sql.trimEnd().endsWith(';')).toBe(true);
  });

  it('gives a funnel cohort exactly the bounds the funnel sheet gets', () => {
    const requests: (BuildRequest & { kind: 'funnel' })[] = [
      { kind: 'funnel', cohort: 'quarter', value: '2025-Q3' },
      { kind: 'funnel', cohort: 'month', value: '2025-02' },
      { kind: 'funnel', cohort: 'range', start: '2025-05-03', end: '2025-05-03' },
    ];
    for (const request of requests) {
      const plan = planBuild(data, request);
      // The sheet's cohort row: F3 the first day, H3 the last (counted whole).
      const [from, to] = [plan.values[2][5], plan.values[2][7]].map((v) => serialToWall(v as number));
      const sql = sqlOf(data, request);
      expect(sql, JSON.stringify(request)).toContain(`arrived >= DATETIME '${wallText(from)}' AND arrived < DATETIME '${wallText(to + DAY_MS)}'`);
      expect(sql).toContain(`-- Funnel: ${plan.values[2][3]}.`);
    }
    // Year to date moves with the calendar, as the sheet's TODAY() bounds do.
    const ytd = sqlOf(data, { kind: 'funnel', cohort: 'ytd' });
    expect(ytd).toContain("arrived >= DATETIME(DATE_TRUNC(DATE(CURRENT_DATE('America/New_York')), YEAR)) AND arrived < DATETIME_ADD(DATETIME(CURRENT_DATE('America/New_York')), INTERVAL 1 DAY)");
    expect(planBuild(data, { kind: 'funnel', cohort: 'ytd' }).cells[2][7]).toBe('=TODAY()');
    expect(sqlOf(data, { kind: 'funnel', cohort: 'all' })).not.toMatch(/arrived >= DATETIME/);
  });

  it('says what stands in the way instead of writing SQL that cannot run', () => {
    expect(panelSql(data, { kind: 'funnel', cohort: 'range', start: '2025-05-03', end: '' }, choices())).toEqual({
      ok: false, field: 'choices', message: 'Choose the first and the last day of the range above, the first day first, to see its SQL.',
    });
    expect(panelSql(data, { kind: 'funnel', cohort: 'range', start: '2025-05-03', end: '2025-05-01' }, choices()).ok).toBe(false);
    expect(panelSql(data, { kind: 'funnel', cohort: 'all' }, choices({ table: 'leads' }))).toMatchObject({ ok: false, field: 'table' });
    const noArrival = { ...data, setup: { ...data.setup, columns: { ...data.setup.columns, arrived: '' } } };
    expect(panelSql(noArrival, { kind: 'funnel', cohort: 'month', value: '2025-02' }, choices())).toMatchObject({ ok: false, field: 'choices', message: expect.stringMatching(/no arrival date column is mapped/) });
    expect(panelSql(noArrival, { kind: 'funnel', cohort: 'all' }, choices()).ok).toBe(true);
  });

  it('counts net lead flow per week or per month', () => {
    const week = sqlOf(data, { kind: 'flow', period: 'week' });
    expect(week).toContain('DATE_TRUNC(DATE(arrived), ISOWEEK)');
    expect(week).toContain('GENERATE_DATE_ARRAY(lo, hi, INTERVAL 7 DAY)');
    expect(week).toContain('-- Net lead flow per week.');
    const month = sqlOf(data, { kind: 'flow', period: 'month' });
    expect(month).toContain('DATE_TRUNC(DATE(arrived), MONTH)');
    expect(month).not.toContain('ISOWEEK');
  });

  it('gives one query alone, with no semicolon, for Connected Sheets', () => {
    const r = panelSql(data, { kind: 'flow', period: 'month' }, choices({ query: 'net_lead_flow', names: 'snake', dates: 'wall' }));
    if (!r.ok) throw new Error(r.message);
    expect(r.queries.map((q) => q.name)).toEqual(expect.arrayContaining(['leads_counted', 'funnel', 'net_lead_flow', 'not_counted']));
    expect(r.sql.match(/^WITH$/gm)).toHaveLength(1);
    expect(r.sql).toContain('-- Net lead flow per month.');
    expect(r.sql).not.toContain('AS pipeline_value');
    expect(r.sql.trimEnd().endsWith(';')).toBe(false);
    expect(r.sql).toContain('DATETIME(`created_time`) AS arrived');
    expect(r.columns).toEqual(['lead_status', 'created_time', 'last_activity', 'deal_value', 'lead_source', 'lead_owner']);
    // A query the setup does not have: every query.
    const all = panelSql(data, { kind: 'flow', period: 'month' }, choices({ query: 'days_between_stages' }));
    expect(all.ok && all.sql.match(/^WITH$/gm)!.length).toBe(all.ok ? all.queries.length : -1);
  });
});
