/**
 * The one error LeadFlow raises for bad input. Sheets shows a custom function's thrown message on
 * the #ERROR! cell, so every message names the function, the argument and what was expected.
 */
export class LeadFlowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeadFlowError';
  }
}

/** Where a value came from, so a message can point at it: `FUNNEL: arrived_dates, row 7`. */
export interface ArgContext {
  fn: string;
  arg: string;
}

export function argError(ctx: ArgContext, expected: string): LeadFlowError {
  return new LeadFlowError(`${ctx.fn}: ${ctx.arg} ${expected}`);
}

/** Text of a user value for a message: quoted, shortened, never a whole cell of prose. */
export function show(value: unknown): string {
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
    const d = value as Date;
    return Number.isNaN(d.getTime()) ? 'an invalid date' : d.toISOString().slice(0, 10);
  }
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `"${s}"`;
  }
  return String(value);
}
