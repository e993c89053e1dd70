/**
 * The built dist/ as Apps Script would take it: Code.js loads with every service throwing when
 * touched, exposes each registry function as a top-level declaration with its JSDoc directly
 * above, and computes the pinned examples through those very functions.
 */
import { readFileSync } from 'node:fs';
import * as acorn from 'acorn';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build, functionReference } from '../build.mjs';
import { REGISTRY } from '../src/functions/registry';
import { MENU_ITEMS } from '../src/server/menu';
import { LoadedBundle, loadBundle, throwingServices } from '../src/offline/bundle';

let bundle: LoadedBundle;
let source: string;

/** After loading, custom functions may read the spreadsheet's time zone, as they can in Sheets. */
function allowTimeZone(b: LoadedBundle, timeZone: string) {
  b.context.SpreadsheetApp = { getActiveSpreadsheet: () => ({ getSpreadsheetTimeZone: () => timeZone }) };
}

/** A Date for a wall time in New York, as Sheets hands a date cell to a custom function. */
function nyDate(y: number, m: number, d: number, h = 0, min = 0): Date {
  const wall = Date.UTC(y, m - 1, d, h, min);
  // New York's offset at a moment ("GMT-4" or "GMT-5"), read from Intl's own zone data.
  const offsetAt = (t: number) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'shortOffset' })
      .formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')!.value;
    return Number(name.replace('GMT', '') || 0) * 3_600_000;
  };
  return new Date(wall - offsetAt(wall - offsetAt(wall)));
}

beforeAll(async () => {
  await build();
  source = readFileSync('dist/Code.js', 'utf8');
  bundle = loadBundle(throwingServices());
  allowTimeZone(bundle, 'America/New_York');
});

describe('dist/ as clasp pushes it', () => {
  it('has the manifest with V8 and only the two narrow scopes', () => {
    const manifest = JSON.parse(readFileSync('dist/appsscript.json', 'utf8'));
    expect(manifest.runtimeVersion).toBe('V8');
    expect(manifest.oauthScopes.sort()).toEqual([
      'https://www.googleapis.com/auth/script.container.ui',
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
    ]);
    expect(JSON.parse(readFileSync('.clasp.json', 'utf8')).rootDir).toBe('dist');
  });

  it('is ES2019 syntax, which Apps Script V8 parses, and under 100 KB', () => {
    expect(() => acorn.parse(source, { ecmaVersion: 2019, sourceType: 'script' })).not.toThrow();
    expect(Buffer.byteLength(source)).toBeLessThan(100 * 1024);
  });

  it('loads with every Apps Script service throwing when touched (onOpen runs in AuthMode.NONE)', () => {
    expect(() => loadBundle(throwingServices())).not.toThrow();
  });

  it('declares each registry function at top level with its JSDoc block and @customfunction directly above', () => {
    for (const spec of REGISTRY) {
      const decl = new RegExp(`/\\*\\*\\n((?: \\*.*\\n)+) \\*/\\nfunction ${spec.name}\\(([^)]*)\\)`);
      const m = decl.exec(source);
      expect(m, `${spec.name} has a JSDoc block right above its declaration`).not.toBeNull();
      const doc = m![1];
      const lines = doc.split('\n').filter(Boolean);
      expect(lines[lines.length - 1]).toBe(' * @customfunction');
      const params = [...doc.matchAll(/@param \{[^}]*\} (\w+) (.*)/g)];
      expect(params.map((p) => p[1])).toEqual(spec.params.map((p) => p.name));
      expect(m![2].split(', ')).toEqual(spec.params.map((p) => p.name));
      params.forEach((p) => expect(p[2].length, `${spec.name} ${p[1]} has a description`).toBeGreaterThan(10));
      expect(bundle.functionNames()).toContain(spec.name);
    }
  });

  it('declares the triggers, menu handlers and sidebar calls as top-level functions', () => {
    for (const name of ['onOpen', 'onInstall', 'leadflowOpenSidebar', 'leadflowInsertSampleLeads', 'leadflowSetupState', 'leadflowCheckSetup', 'leadflowSaveSetup', 'leadflowRepairSetup']) {
      expect(typeof bundle.fn(name)).toBe('function');
    }
  });

  it('has a top-level function for every item of the add-on menu', () => {
    for (const item of MENU_ITEMS) if (item) expect(bundle.functionNames(), item.caption).toContain(item.handler);
  });

  it('keeps the README function reference generated from the registry', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(functionReference(REGISTRY));
  });
});

describe("pinned examples through the bundle's own top-level functions", () => {
  it('NETLEADFLOW: 500 March arrivals, 150 disqualified, plus leads outside March → 350', () => {
    const arrived: unknown[][] = [];
    const statuses: unknown[][] = [];
    for (let i = 0; i < 500; i++) {
      // Spread over March, the last ones late on the 31st; the end date counts whole.
      const day = 1 + (i % 31);
      arrived.push([nyDate(2026, 3, i >= 490 ? 31 : day, i >= 490 ? 23 : 9, i >= 490 ? 30 : 0)]);
      statuses.push([i % 10 < 3 ? 'Disqualified' : ['New', 'Contacted', 'Qualified', 'Closed Won'][i % 4]]);
    }
    for (let i = 0; i < 120; i++) {
      arrived.push([i % 2 ? nyDate(2026, 2, 28, 23, 59) : nyDate(2026, 4, 1, 0, 0)]);
      statuses.push([i % 3 ? 'Junk Lead' : 'New']);
    }
    expect(statuses.slice(0, 500).filter((s) => s[0] === 'Disqualified').length).toBe(150);
    const f = bundle.fn('NETLEADFLOW');
    expect(f(arrived, statuses, nyDate(2026, 3, 1), nyDate(2026, 3, 31))).toBe(350);
    const table = f(arrived, statuses, 'month') as unknown[][];
    expect(table[0]).toEqual(['Period', 'New', 'Removed', 'Net']);
    expect(table.find((r) => r[0] === '2026-03')).toEqual(['2026-03', 500, 150, 350]);
  });

  it('FUNNELSTAGE maps the pinned statuses with the default stages', () => {
    const out = bundle.fn('FUNNELSTAGE')([['Disqualified'], ['Closed-Lost'], ['Nurturing'], ['Closed Won'], ['qualified '], ['']]);
    expect(out).toEqual([['Reviewed'], ['Converted to Opportunity'], ['Qualified'], ['Closed-Won'], ['Qualified'], ['']]);
  });

  it('FUNNEL spills a table with a header row', () => {
    const out = bundle.fn('FUNNEL')([['New'], ['Disqualified'], ['Closed Won']]) as unknown[][];
    expect(out[0]).toEqual(['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off']);
    expect(out.slice(1).map((r) => r[1])).toEqual([3, 2, 1, 1, 1]);
  });

  it('throws an error that names the function and the argument', () => {
    expect(() => bundle.fn('FUNNEL')([['Prospecting']])).toThrow(/FUNNEL: statuses_or_stage_dates row 1 has the status "Prospecting"/);
    expect(() => bundle.fn('NETLEADFLOW')([[nyDate(2026, 3, 1)]], [['New'], ['New']])).toThrow(/NETLEADFLOW: arrived_dates and statuses must be ranges of the same height/);
  });
});
