/**
 * What google.script.run may carry, shared by the offline host (src/offline/host/run.ts) and the
 * preview page's client bridge (src/offline/preview/page/bridge.ts): primitives, null, and arrays
 * and plain objects of them; no Dates, functions, class instances or cycles. No Node or browser
 * APIs here, so both sides import the same rules.
 */

/** True for a plain object (literal or Object.create(null)) of any realm. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * The key of the first value google.script.run refuses to transfer, or undefined when all is
 * legal. `key` is the property the value sits in (the argument index at the top level).
 */
export function illegalProperty(value: unknown, key = '0', seen = new Set<object>()): string | undefined {
  if (value === null || value === undefined) return undefined;
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return undefined;
  if (t !== 'object') return key;
  const obj = value as object;
  if (seen.has(obj)) return key;
  if (!Array.isArray(obj) && !isPlainObject(obj)) return key;
  seen.add(obj);
  for (const [k, v] of Object.entries(obj)) {
    const bad = illegalProperty(v, k, seen);
    if (bad !== undefined) return bad;
  }
  seen.delete(obj);
  return undefined;
}
