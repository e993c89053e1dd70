/**
 * The bundle runs in its own node:vm context, which has its own Array, Date and Error. Apps Script
 * code often tests `value instanceof Date` on what getValues() returns, and custom functions test
 * `input instanceof Array` (Google's own samples do), so every array, Date and Error the host hands
 * to bundle code must be built with that context's constructors. Values coming back from the bundle
 * are recognised with realm-independent checks (Array.isArray, isDate below).
 */
import vm from 'node:vm';

export interface Realm {
  Array: ArrayConstructor;
  Date: DateConstructor;
  Error: ErrorConstructor;
  Object: ObjectConstructor;
  JSON: JSON;
}

export const hostRealm: Realm = { Array, Date, Error, Object, JSON };

/** The constructors of a vm context (the realm a loaded bundle lives in). */
export function realmOf(context: vm.Context): Realm {
  return vm.runInContext('({ Array, Date, Error, Object, JSON })', context) as Realm;
}

/** True for a Date of any realm. */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

export { isPlainObject } from '../transfer.ts';

/** Copies a host-built 2D array into the realm (rows and the outer array become realm arrays). */
export function toRealm2D<T>(realm: Realm, rows: T[][]): T[][] {
  if (realm === hostRealm) return rows;
  const out = new realm.Array(rows.length) as T[][];
  for (let r = 0; r < rows.length; r++) out[r] = realm.Array.from(rows[r]) as T[];
  return out;
}

/** Copies a host array into the realm. */
export function toRealmArray<T>(realm: Realm, items: readonly T[]): T[] {
  return realm === hostRealm ? [...items] : (realm.Array.from(items) as T[]);
}
