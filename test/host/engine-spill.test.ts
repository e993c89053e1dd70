/**
 * A custom function whose result spills pays for it once: it runs once per change of its inputs,
 * however many times its formula is re-entered to be sized (HyperFormula sizes an array result
 * when it parses the formula, before the function has run).
 */
import { describe, expect, it } from 'vitest';
import { FormulaEngine } from '../../src/offline/engine.ts';
import type { CustomArg } from '../../src/offline/engine.ts';
import { sampleLeads } from '../../src/core/sample.ts';
import { createHost } from '../../src/offline/host/index.ts';

describe('a spilled custom function', () => {
  it('runs once per change of its arguments, and its result grows and shrinks', () => {
    const e = new FormulaEngine();
    const data = e.addSheet('Data');
    const out = e.addSheet('Out');
    e.setContents(data, 0, 0, Array.from({ length: 3000 }, (_, i) => [i % 5 === 0 ? 'Won' : 'Open']));
    let calls = 0;
    e.registerFunctions({
      TALLY: (args) => {
        calls++;
        const values = (args[0] as Extract<CustomArg, { kind: 'range' }>).values.flat();
        const won = values.filter((v) => v === 'Won').length;
        return Array.from({ length: 1 + (won % 7) }, (_, k) => [k, won, values.length]);
      },
    });
    e.setContents(out, 0, 0, [['=TALLY(Data!A2:A)', null, null, 'next to it']]);
    const won = 599;
    expect(calls).toBe(1);
    expect(e.getValues(out, 0, 0, 1 + (won % 7), 3)[0]).toEqual([0, won, 3749]);
    expect(e.getValue(out, won % 7, 0)).toBe(won % 7);
    expect(e.getValue(out, 1 + (won % 7), 0)).toBeNull();

    e.setContents(out, 20, 5, [['unrelated']]);
    expect(calls).toBe(1);

    e.setContents(data, 1, 0, [['Won']]); // 600 won: six rows (it grows)
    expect(calls).toBe(2);
    expect(e.getValues(out, 0, 0, 7, 2)).toEqual([...Array.from({ length: 6 }, (_, k) => [k, 600]), [null, null]]);

    e.setContents(data, 2, 0, [['Won', null, 'x']]); // 601: seven rows
    e.batch(() => e.setContents(data, 3, 0, [['Won']])); // 602: one row (it shrinks)
    expect(calls).toBe(4);
    expect(e.getValues(out, 0, 0, 2, 2)).toEqual([[0, 602], [null, null]]);
    expect(e.getValue(out, 0, 3)).toBe('next to it');
    expect(e.getFormula(out, 0, 0)).toBe('=TALLY(Data!A2:A)');
  });

  it('=FUNNEL(G2:G) from the bundle over generated leads: one run to spill, one per edited status', () => {
    const leads = sampleLeads({ rows: 5000, seed: 3, timeZone: 'America/New_York', from: '2025-01-01', days: 365 });
    const host = createHost({ timeZone: 'America/New_York' });
    host.addSheet('Leads', [leads.headers, ...leads.rows]);
    host.loadBundle();
    const funnel = host.bundle!.fn('FUNNEL');
    let calls = 0;
    let last: unknown;
    host.registerCustomFunctions({
      FUNNEL: (...args: unknown[]) => {
        calls++;
        return (last = funnel(...args));
      },
    });
    const sheet = host.sheet('Leads');
    const col = leads.headers.length + 3;
    sheet.getRange(2, col).setFormula('=FUNNEL(G2:G)');
    expect(calls).toBe(1);
    const result = last as unknown[][];
    expect(result.length).toBeGreaterThan(1);
    const round = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v ?? '');
    expect(sheet.getRange(2, col, result.length, result[0].length).getValues().map((r) => r.map(round))).toEqual(result.map((r) => r.map(round)));
    sheet.getRange(3, leads.headers.indexOf('Lead Status') + 1).setValue('Closed Won');
    expect(calls).toBe(2);
    expect(sheet.getRange(2, col).getFormula()).toBe('=FUNNEL(G2:G)');
  });
});
