/**
 * Bad requests to the local preview's API, which runs the add-on's server functions: only the
 * bundle's own top-level functions answer (not what every JavaScript object inherits), bad bodies
 * get a clear 4xx, and no request changes the user's sheets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type Preview } from '../../src/offline/preview/server';
import { SAYS_WHAT_TO_DO, expectCleanMessage } from './helpers';

let preview: Preview;
beforeAll(async () => {
  preview = await startPreview({ rows: [['Status', 'Created'], ['New', '2026-03-01'], ['Won', '2026-03-02']] });
});
afterAll(async () => {
  await preview?.close();
});

async function post(path: string, body: unknown, type = 'application/json'): Promise<{ status: number; json: Record<string, unknown> | null; text: string }> {
  const res = await fetch(new URL(path, preview.url), { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, text };
}

const userSheets = () => preview.host.spreadsheet.getSheets().filter((s) => !/^LeadFlow setup|^Funnel|^Net lead flow|^Lead review/.test(s.getName())).map((s) => [s.getName(), s.getDataRange().getValues()]);

type RunCase = [label: string, body: unknown, expected: { notFound: string } | { status: number; message: RegExp }];

const CASES: RunCase[] = [
  ['{"name":"constructor"}', { name: 'constructor', args: [] }, { notFound: 'constructor' }],
  ['{"name":"toString"}', { name: 'toString' }, { notFound: 'toString' }],
  ['{"name":"isPrototypeOf"}', { name: 'isPrototypeOf', args: [{}] }, { notFound: 'isPrototypeOf' }],
  ['{"name":"hasOwnProperty"}', { name: 'hasOwnProperty', args: ['x'] }, { notFound: 'hasOwnProperty' }],
  ['{"name":"__proto__"}', { name: '__proto__' }, { notFound: '__proto__' }],
  ['{"name":"valueOf"}', { name: 'valueOf' }, { notFound: 'valueOf' }],
  ['the bundle\'s namespace', { name: 'LeadFlow' }, { notFound: 'LeadFlow' }],
  ['a global of the context', { name: 'eval', args: ['1+1'] }, { notFound: 'eval' }],
  ['a 1 MB function name', { name: 'f'.repeat(1_000_000) }, { notFound: 'fff' }],
  ['a name that is not text', { name: 5 }, { status: 400, message: /^name must be a string\./ }],
  ['args that are not a list', { name: 'leadflowSetupState', args: 'x' }, { status: 400, message: /^args must be an array\./ }],
  ['a body that is not JSON', '{"name":', { status: 400, message: /^The body is not a JSON object\./ }],
  ['a body that is a list', [1, 2], { status: 400, message: /^The body is not a JSON object\./ }],
];

describe('POST /api/run with bad requests', () => {
  it.each(CASES)('%s', async (_label, body, expected) => {
    const before = userSheets();
    const r = await post('/api/run', body);
    if ('notFound' in expected) {
      expect(r.status).toBe(200);
      const outcome = r.json?.outcome as { ok: boolean; error?: { name: string; message: string } };
      expect(outcome.ok).toBe(false);
      expect(outcome.error!.name).toBe('ScriptError');
      expect(outcome.error!.message).toMatch(/^Script function not found: /);
      expect(outcome.error!.message).toContain(expected.notFound);
      expectCleanMessage(outcome.error!.message);
    } else {
      expect(r.status).toBe(expected.status);
      const message = String(r.json?.error ?? r.json?.message ?? r.text);
      expect(message).toMatch(expected.message);
      expectCleanMessage(message);
    }
    expect(userSheets()).toEqual(before);
  });

  it('a server function given a bad request answers with a clear message, not a stack trace', async () => {
    const before = userSheets();
    const r = await post('/api/run', { name: 'leadflowSetupState', args: [{ sheetName: 'x'.repeat(200_000) }] });
    const outcome = r.json?.outcome as { ok: boolean; error?: { name: string; message: string } };
    expect(outcome.ok).toBe(false);
    expect(outcome.error!.message).toMatch(/^There is no sheet named "xxx.*\.\.\."; choose the sheet that holds your leads/);
    expect(outcome.error!.message).toMatch(SAYS_WHAT_TO_DO);
    expectCleanMessage(outcome.error!.message);
    expect(userSheets()).toEqual(before);
  });

  it('a body that is not JSON at all is refused before anything runs', async () => {
    const r = await post('/api/run', 'name=constructor', 'application/x-www-form-urlencoded');
    expect(r.status).toBe(415);
    expectCleanMessage(r.text);
  });
});
