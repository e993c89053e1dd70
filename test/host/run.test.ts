/**
 * host.run imitates google.script.run (client-side API reference): "Legal parameters are
 * JavaScript primitives like a Number, Boolean, String, or null, as well as JavaScript objects and
 * arrays that are composed of primitives, objects, and arrays. [...] Requests fail if you attempt
 * to pass a Date, Function, DOM element besides a form, or other prohibited type, including
 * prohibited types inside objects or arrays. Objects that create circular references will also
 * fail, and undefined fields within arrays become null. Note that an object passed to the server
 * becomes a copy of the original."
 */
import { describe, expect, it } from 'vitest';
import { hostWithBundle } from './helpers.ts';

const SOURCE = `
var kept = null;
function echo(x) { return x; }
function describeArgs(a, b) {
  return { aIsArray: a instanceof Array, bIsObject: b instanceof Object, a: a, b: b, count: arguments.length };
}
function keep(obj) { kept = obj; obj.changed = true; return 'kept'; }
function mutateKept() { kept.inner.n = 99; return kept.inner.n; }
function today() { return new Date(); }
function nestedDate() { return { when: new Date(), n: 1 }; }
function fails() { throw new Error('Setup is not saved'); }
function failsWithString() { throw 'plain string'; }
function helper_() { return 'private'; }
`;

describe('host.run (google.script.run)', () => {
  it('passes primitives, arrays and plain objects as copies built in the script\'s realm', () => {
    const host = hostWithBundle(SOURCE);
    expect(host.run('describeArgs', [[1, 'a', null], { k: [true] }])).toEqual({
      ok: true,
      value: { aIsArray: true, bIsObject: true, a: [1, 'a', null], b: { k: [true] }, count: 2 },
    });
  });

  it('undefined fields within arrays become null; undefined object fields are dropped', () => {
    const host = hostWithBundle(SOURCE);
    expect(host.run('echo', [[1, undefined, 3]])).toEqual({ ok: true, value: [1, null, 3] });
    expect(host.run('echo', [{ a: 1, b: undefined }])).toEqual({ ok: true, value: { a: 1 } });
  });

  it('the server gets a copy: changes on either side do not reach the other', () => {
    const host = hostWithBundle(SOURCE);
    const arg = { inner: { n: 1 } };
    expect(host.run('keep', [arg])).toEqual({ ok: true, value: 'kept' });
    expect(arg).toEqual({ inner: { n: 1 } });
    arg.inner.n = 5;
    expect(host.run('mutateKept')).toEqual({ ok: true, value: 99 });
    expect(arg.inner.n).toBe(5);
  });

  it('a Date, a function or a circular object in the arguments fails the call', () => {
    const host = hostWithBundle(SOURCE);
    expect(host.run('echo', [new Date()])).toEqual({ ok: false, error: { name: 'Error', message: 'Failed due to illegal value in property: 0' } });
    expect(host.run('echo', [{ when: new Date() }])).toEqual({ ok: false, error: { name: 'Error', message: 'Failed due to illegal value in property: when' } });
    expect(host.run('echo', [1, () => 1])).toEqual({ ok: false, error: { name: 'Error', message: 'Failed due to illegal value in property: 1' } });
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(host.run('echo', [loop]).ok).toBe(false);
    expect(host.run('echo', [new Map()]).ok).toBe(false);
  });

  it('a return value holding a Date reaches the success handler as null', () => {
    const host = hostWithBundle(SOURCE);
    expect(host.run('today')).toEqual({ ok: true, value: null });
    expect(host.run('nestedDate')).toEqual({ ok: true, value: null });
  });

  it('a thrown error is the failure handler\'s error, with its message', () => {
    const host = hostWithBundle(SOURCE);
    expect(host.run('fails')).toEqual({ ok: false, error: { name: 'Error', message: 'Setup is not saved' } });
    expect(host.run('failsWithString')).toEqual({ ok: false, error: { name: 'Error', message: 'plain string' } });
  });

  it('private functions (ending in _) and unknown names are not found', async () => {
    const host = hostWithBundle(SOURCE);
    expect(host.run('helper_')).toEqual({ ok: false, error: { name: 'ScriptError', message: 'Script function not found: helper_' } });
    expect(await host.runAsync('nope')).toEqual({ ok: false, error: { name: 'ScriptError', message: 'Script function not found: nope' } });
    // What the script's context inherits is not the script's: only its own top-level functions run.
    for (const inherited of ['constructor', 'toString', 'isPrototypeOf', 'hasOwnProperty', 'valueOf', '__proto__']) {
      expect(host.run(inherited), inherited).toEqual({ ok: false, error: { name: 'ScriptError', message: `Script function not found: ${inherited}` } });
    }
    expect(await host.runAsync('echo', ['async'])).toEqual({ ok: true, value: 'async' });
  });
});
