/**
 * The one error LeadFlow raises for bad input. Sheets shows a custom function's thrown message on
 * the #ERROR! cell, so every message names the function, the argument and what was expected.
 */

/**
 * The longest message LeadFlow shows. A message quotes at most a short excerpt of what it was
 * given (see show, clip, showList); a message built from many parts is cut in its middle, keeping
 * its start (what is wrong) and its end (what to do).
 */
export const MAX_MESSAGE = 500;

export class LeadFlowError extends Error {
  constructor(message: string) {
    super(bounded(message));
    this.name = 'LeadFlowError';
  }
}

/** A message no longer than `max`: the start and the end, with "…" where the middle was. */
export function bounded(message: string, max = MAX_MESSAGE): string {
  const m = String(message);
  if (m.length <= max) return m;
  const tail = Math.floor((max - 3) / 3);
  const head = max - 3 - tail;
  return `${m.slice(0, head)} … ${m.slice(m.length - tail + 2)}`;
}

/** Where a value came from, so a message can point at it: `FUNNEL: arrived_dates, row 7`. */
export interface ArgContext {
  fn: string;
  arg: string;
}

export function argError(ctx: ArgContext, expected: string): LeadFlowError {
  return new LeadFlowError(`${ctx.fn}: ${ctx.arg} ${expected}`);
}

/** Text cut to `max` characters ("..." marks the cut): a name, a header or a file name in a message. */
export function clip(text: unknown, max = 40): string {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** Text of a user value for a message: quoted, shortened, never a whole cell of prose. */
export function show(value: unknown): string {
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
    const d = value as Date;
    return Number.isNaN(d.getTime()) ? 'an invalid date' : d.toISOString().slice(0, 10);
  }
  if (typeof value === 'string') return `"${clip(value)}"`;
  // Sheets shows a number it cannot hold as #NUM!; a message says the same, not NaN or Infinity.
  if (typeof value === 'number' && !Number.isFinite(value)) return '#NUM!';
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a range';
  if (typeof value === 'object' && value !== null) return 'an object';
  return clip(String(value));
}

/**
 * Names for a message (stages, columns): each shortened, at most `max` of them, "and N more" for
 * the rest. A pipeline of a thousand stages is not listed in full.
 */
export function showList(names: readonly unknown[], max = 8, each = 40): string {
  const shown = names.slice(0, max).map((n) => clip(n, each));
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}
