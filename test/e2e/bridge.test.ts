/**
 * google.script.run / google.script.host as the preview gives them to add-on pages
 * (src/offline/preview/page/bridge.ts), against a fake transport: handlers, user objects, failure
 * as an Error with the server's message, what may be sent, and the server-side copy.
 */
import { describe, expect, it, vi } from 'vitest';
import { createGoogleScript, createScriptRun, illegalProperty, publicFunctionNames } from '../../src/offline/preview/page/bridge';
import type { BridgeTransport, RunOutcome } from '../../src/offline/preview/page/bridge';

function fakeTransport(answer: (name: string, args: unknown[]) => RunOutcome | Promise<RunOutcome>) {
  const calls: { name: string; args: unknown[] }[] = [];
  const transport: BridgeTransport & { calls: typeof calls } = {
    calls,
    run: vi.fn(async (name: string, args: unknown[]) => {
      calls.push({ name, args });
      return answer(name, args);
    }),
    close: vi.fn(),
    setHeight: vi.fn(),
    setWidth: vi.fn(),
    focusEditor: vi.fn(),
    reportUncaught: vi.fn(),
  };
  return transport;
}

/** Lets the transport's promise and the handlers run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const FUNCTIONS = ['getData', 'saveData', 'failing', 'helper_'];

describe('google.script.run in the preview', () => {
  it('calls the server function with the arguments and passes the value to the success handler', async () => {
    const t = fakeTransport((_n, args) => ({ ok: true, value: { echo: args } }));
    const run = createScriptRun(FUNCTIONS, t);
    const success = vi.fn();
    const returned = (run.withSuccessHandler(success).getData as (...a: unknown[]) => unknown)({ sheet: 'Leads' }, 3);
    expect(returned).toBeUndefined();
    expect(success).not.toHaveBeenCalled(); // asynchronous, like Apps Script
    await settle();
    expect(t.calls).toEqual([{ name: 'getData', args: [{ sheet: 'Leads' }, 3] }]);
    expect(success).toHaveBeenCalledWith({ echo: [{ sheet: 'Leads' }, 3] });
    expect(success.mock.calls[0]).toHaveLength(1); // no user object given: only the value
  });

  it('gives the failure handler an Error with the server message, and the user object to both handlers', async () => {
    const t = fakeTransport((name) => (name === 'failing' ? { ok: false, error: { name: 'Error', message: 'There is no sheet named "Nope".' } } : { ok: true, value: 7 }));
    const run = createScriptRun(FUNCTIONS, t);
    const user = { row: 4, element: { nodeType: 1 } };
    const success = vi.fn();
    const failure = vi.fn();
    const runner = run.withSuccessHandler(success).withFailureHandler(failure).withUserObject(user);
    (runner.failing as () => void)();
    (runner.getData as () => void)();
    await settle();
    expect(failure).toHaveBeenCalledTimes(1);
    const [error, passed] = failure.mock.calls[0];
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('There is no sheet named "Nope".');
    expect(passed).toBe(user); // the very object, never sent to the server
    expect(success).toHaveBeenCalledWith(7, user);
    expect(JSON.stringify(t.calls)).not.toContain('element');
  });

  it('reports a failure without a failure handler instead of dropping it', async () => {
    const t = fakeTransport(() => ({ ok: false, error: { message: 'boom' } }));
    (createScriptRun(FUNCTIONS, t).failing as () => void)();
    await settle();
    expect(t.reportUncaught).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
  });

  it('turns a broken connection into a failure', async () => {
    const t = fakeTransport(() => Promise.reject(new Error('fetch failed')));
    const failure = vi.fn();
    (createScriptRun(FUNCTIONS, t).withFailureHandler(failure).getData as () => void)();
    await settle();
    expect(failure.mock.calls[0][0].message).toMatch(/could not run getData: fetch failed/);
  });

  it('keeps each runner\'s settings: withX returns a new runner, a configured one can be reused', async () => {
    const t = fakeTransport((_n, args) => ({ ok: true, value: args[0] }));
    const run = createScriptRun(FUNCTIONS, t);
    const a = vi.fn();
    const b = vi.fn();
    const runnerA = run.withSuccessHandler(a);
    const runnerB = runnerA.withSuccessHandler(b);
    (runnerA.getData as (x: number) => void)(1);
    (runnerA.getData as (x: number) => void)(2);
    (runnerB.getData as (x: number) => void)(3);
    (run.getData as (x: number) => void)(4); // the bare runner has no handler at all
    await settle();
    expect(a.mock.calls.map((c) => c[0])).toEqual([1, 2]);
    expect(b.mock.calls.map((c) => c[0])).toEqual([3]);
  });

  it('refuses arguments Apps Script cannot send, synchronously, and sends nothing', () => {
    const t = fakeTransport(() => ({ ok: true, value: null }));
    const run = createScriptRun(FUNCTIONS, t);
    const call = (...args: unknown[]) => (run.saveData as (...a: unknown[]) => void)(...args);
    expect(() => call(new Date())).toThrow('Failed due to illegal value in property: 0');
    expect(() => call('ok', { when: new Date() })).toThrow('Failed due to illegal value in property: when');
    expect(() => call({ list: [1, () => 2] })).toThrow('Failed due to illegal value in property: 1');
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    expect(() => call(circular)).toThrow('Failed due to illegal value in property: self');
    class Point { x = 1; }
    expect(() => call(new Point())).toThrow(/illegal value/);
    expect(() => call(new Map())).toThrow(/illegal value/);
    expect(t.calls).toEqual([]);
  });

  it('sends a copy: undefined array entries become null, the caller\'s object is not shared', async () => {
    const t = fakeTransport(() => ({ ok: true, value: null }));
    const run = createScriptRun(FUNCTIONS, t);
    const request = { rows: [1, undefined, 'x'], nested: { skip: undefined, keep: null } };
    (run.saveData as (r: unknown, u?: unknown) => void)(request, undefined);
    await settle();
    expect(t.calls[0].args).toEqual([{ rows: [1, null, 'x'], nested: { keep: null } }, null]);
    expect(t.calls[0].args[0]).not.toBe(request);
  });

  it('exposes the server\'s public top-level functions only', () => {
    const run = createScriptRun(FUNCTIONS, fakeTransport(() => ({ ok: true, value: null })));
    expect(typeof run.getData).toBe('function');
    expect(run.helper_).toBeUndefined(); // private: trailing underscore
    expect(run.notAServerFunction).toBeUndefined();
    expect(publicFunctionNames(['a', 'a', 'b_', 'c d', 'withSuccessHandler'])).toEqual(['a', 'withSuccessHandler']);
    expect(typeof run.withSuccessHandler).toBe('function'); // a server function cannot shadow the API
  });

  it('google.script.host.close/setHeight/setWidth/editor.focus reach the editor page', () => {
    const t = fakeTransport(() => ({ ok: true, value: null }));
    const google = createGoogleScript(FUNCTIONS, t, 'http://127.0.0.1:1');
    google.script.host.close();
    google.script.host.setHeight(320);
    google.script.host.setWidth('500' as unknown as number);
    google.script.host.editor.focus();
    expect(t.close).toHaveBeenCalledTimes(1);
    expect(t.setHeight).toHaveBeenCalledWith(320);
    expect(t.setWidth).toHaveBeenCalledWith(500);
    expect(t.focusEditor).toHaveBeenCalledTimes(1);
    expect(google.script.host.origin).toBe('http://127.0.0.1:1');
  });

  it('illegalProperty names the first offending key', () => {
    expect(illegalProperty({ a: [1, 'b', null, true, { c: 2 }] }, '0')).toBeUndefined();
    expect(illegalProperty(Symbol('s'), '0')).toBe('0');
    expect(illegalProperty({ a: { b: [0, 1n] } }, '0')).toBe('1');
    expect(illegalProperty(Object.create(null), '0')).toBeUndefined();
  });
});
