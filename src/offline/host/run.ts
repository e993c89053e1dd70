/**
 * google.script.run, as the client-side API documents it: "Legal parameters are JavaScript
 * primitives like a Number, Boolean, String, or null, as well as JavaScript objects and arrays that
 * are composed of primitives, objects, and arrays. [...] Requests fail if you attempt to pass a
 * Date, Function, DOM element besides a form, or other prohibited type, including prohibited types
 * inside objects or arrays. Objects that create circular references will also fail, and undefined
 * fields within arrays become null. Note that an object passed to the server becomes a copy of the
 * original."
 *
 * Return values are copied back the same way; a return value that holds a prohibited type (a Date,
 * most often) reaches the success handler as null, which is what Apps Script does.
 */
import { illegalProperty } from '../transfer.ts';
import type { Realm } from './realm.ts';

export type RunResult =
  | { ok: true; value: unknown }
  | { ok: false; error: { name: string; message: string } };

export { illegalProperty };

/** A deep copy into the realm (undefined array entries become null, undefined fields drop). */
export function transfer(realm: Realm, value: unknown): unknown {
  if (value === undefined) return undefined;
  return realm.JSON.parse(JSON.stringify(value));
}

export function failure(error: unknown): RunResult {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const e = error as { name?: unknown; message?: unknown };
    return { ok: false, error: { name: typeof e.name === 'string' ? e.name : 'Error', message: String(e.message) } };
  }
  return { ok: false, error: { name: 'Error', message: String(error) } };
}
