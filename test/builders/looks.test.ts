/**
 * How the built sheets look in Sheets, beyond their numbers: pipeline value in the leads' own
 * currency, title rows (and the flow table's header) frozen, and each chart series in its colour
 * with the running total drawn as a line, through the built bundle in the offline host.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build as buildBundle } from '../../build.mjs';
import { build, hostWithLeads } from './helpers';

beforeAll(async () => { await buildBundle(); }, 120_000);

describe('built sheets look as a report should', () => {
  it('shows pipeline value in the currency the deal values are written in', () => {
    const { host, sample } = hostWithLeads(300);
    const valueColumn = sample.headers.indexOf('Deal Value') + 1;
    host.sheet('Leads').getRange(2, valueColumn, sample.rows.length, 1).setNumberFormat('[$€]#,##0.00');
    const { data, plan, result } = build(host, { kind: 'funnel' });
    expect(data.formats![valueColumn - 1]).toBe('[$€]#,##0.00');
    const header = plan.values[6].indexOf('Pipeline value');
    expect(plan.formats[7][header]).toBe('[$€]#,##0.00');
    expect(host.sheet(result.sheetName).getRange(8, header + 1).getNumberFormat()).toBe('[$€]#,##0.00');
  });

  it('keeps plain numbers plain when the deal values carry no currency', () => {
    const { host } = hostWithLeads(300);
    const { plan } = build(host, { kind: 'funnel' });
    const header = plan.values[6].indexOf('Pipeline value');
    expect(plan.formats[7][header]).toBe('#,##0.00');
  });

  it('aligns each header over a column of numbers to the right, as its numbers are, and leaves headers over text to the left', () => {
    const { host } = hostWithLeads(300);
    const { plan, result } = build(host, { kind: 'flow' });
    const sheet = host.sheet(result.sheetName);
    const head = plan.values.findIndex((line) => line[0] === 'Month');
    const headers = plan.values[head];
    const alignments = sheet.getRange(head + 1, 1, 1, headers.length).getHorizontalAlignments()[0];
    const firstRow = plan.values[head + 1];
    const isHeader = (at: number) => plan.styles[head][at] === 1;
    const overNumbers = headers.map((_, at) => isHeader(at) && typeof firstRow[at] === 'number');
    // Month (dates are numbers), New, each way of leaving, Removed, Net, Running total.
    expect(headers.filter((_, at) => overNumbers[at])).toEqual(expect.arrayContaining(['Month', 'New', 'Removed', 'Net', 'Running total']));
    headers.forEach((text, at) => {
      if (isHeader(at)) expect(alignments[at], String(text)).toBe(overNumbers[at] ? 'right' : 'general');
    });
    // A header over text: the Status → stage table's "Status" sits over status names.
    const status = plan.values.findIndex((line) => line.includes('Status') && line.includes('Stage no.'));
    const statusAt = plan.values[status].indexOf('Status');
    expect(sheet.getRange(status + 1, statusAt + 1).getHorizontalAlignment()).toBe('general');
    expect(sheet.getRange(status + 1, plan.values[status].indexOf('Stage no.') + 1).getHorizontalAlignment()).toBe('right');
  });

  it('makes each column wide enough for its longest header', () => {
    const { host } = hostWithLeads(300);
    const { plan, result } = build(host, { kind: 'funnel' });
    const sheet = host.sheet(result.sheetName);
    const widest = (column: number) => Math.max(0, ...plan.values.map((line, row) => (plan.styles[row][column] === 1 ? String(line[column]).length : 0)));
    const columnOf = (header: string) => plan.values.find((line) => line.includes(header))!.indexOf(header);
    // About 7 px per character of a bold 10 pt header, and a little room.
    for (const header of ['Step conversion', 'Leads with a deal value', 'Reached Converted to Opportunity']) {
      const column = columnOf(header);
      expect(sheet.getColumnWidth(column + 1), header).toBeGreaterThanOrEqual(widest(column) * 6.5);
    }
  });

  it('freezes the title rows, and the net lead flow table header down a long list of periods', () => {
    const { host } = hostWithLeads(300);
    const funnel = build(host, { kind: 'funnel' });
    const flow = build(host, { kind: 'flow', period: 'week' });
    expect(host.sheet(funnel.result.sheetName).getFrozenRows()).toBe(3);
    expect(host.sheet(flow.result.sheetName).getFrozenRows()).toBe(7);
    expect(flow.plan.values[6][0]).toBe('Week from');
  });

  it('draws each chart series in its colour, the running total as a line', () => {
    const { host } = hostWithLeads(300);
    const flow = build(host, { kind: 'flow' });
    const [chart] = host.sheet(flow.result.sheetName).getCharts() as { getOptions(): { get(o: string): unknown } }[];
    expect(chart.getOptions().get('series')).toEqual([{ color: '#1e8e3e', type: undefined }, { color: '#1a73e8', type: 'line' }]);
  });
});
