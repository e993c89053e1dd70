/**
 * Arguments of a custom function, read against the registry's declaration of its parameters (the
 * way HyperFormula's function metadata drives its argument checks): how many, which may be a
 * range, and each value read into the type the domain needs.
 */
import { LeadFlowError, argError, show } from '../core/errors';
import { PeriodUnit, TimeZoneClock, WallMs } from '../core/time';
import { Cell, DateReader, isBlank, isOmitted, readNumber, toGrid } from '../core/values';

export type ParamKind =
  /** A column range (one value per lead). */
  | 'column'
  /** A range of one or more columns. */
  | 'range'
  /** A single value: date, number, text. */
  | 'value'
  /** The pipeline: stage list text, a stage range, or the setup range. */
  | 'stages'
  /** A column range, or a single number used for every lead. */
  | 'column-or-number';

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  optional?: boolean;
  /** Shown in autocomplete: what to pass. */
  description: string;
  /** A sample argument for the generated JSDoc (`@param {A2:A} name`). */
  sample: string;
}

export interface Env {
  timeZone: string;
  clock: TimeZoneClock;
  dates: DateReader;
  /** Wall time of "now" in the spreadsheet's time zone. */
  now: WallMs;
}

/** The registry's argument checks: arity, then single values where a single value is expected. */
export function checkArgs(fn: string, params: ParamSpec[], args: unknown[]): void {
  const required = params.filter((p) => !p.optional).length;
  const usage = `${fn}(${params.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(', ')})`;
  if (args.length > params.length) {
    throw new LeadFlowError(`${fn}: takes at most ${params.length} arguments, but got ${args.length}. Usage: ${usage}.`);
  }
  params.forEach((p, i) => {
    const v = args[i];
    if (!p.optional && (i >= args.length || v === undefined || (v === '' && p.kind !== 'value'))) {
      throw new LeadFlowError(`${fn}: ${p.name} is missing; it is required (${required} required arguments). Usage: ${usage}.`);
    }
    if (p.kind === 'value' && Array.isArray(v)) {
      const g = toGrid(v);
      if (g.length * (g[0]?.length ?? 0) > 1) {
        throw argError({ fn, arg: p.name }, `must be a single value, but got a range of ${g.length}×${g[0].length} cells.`);
      }
    }
  });
}

/** A single-value argument (a one-cell range is unwrapped). */
export function single(v: unknown): Cell {
  if (Array.isArray(v)) {
    const g = toGrid(v);
    return g.length ? g[0][0] : '';
  }
  return v;
}

export function given(v: unknown): boolean {
  return !isOmitted(single(v)) || (Array.isArray(v) && !isOmitted(v));
}

export function readDateArg(v: unknown, env: Env, fn: string, arg: string): WallMs | undefined {
  const c = single(v);
  if (isBlank(c)) return undefined;
  return env.dates.read(c, { fn, arg });
}

/** The periods a table can be by, as the docs list them. */
export const TABLE_PERIODS: readonly PeriodUnit[] = ['week', 'month', 'quarter', 'year'];

export function readPeriodUnit(v: unknown): PeriodUnit | undefined {
  const c = single(v);
  if (typeof c !== 'string') return undefined;
  const key = c.trim().toLowerCase().replace(/ly$/, '').replace(/s$/, '').replace(/^dai$/, 'day');
  return (TABLE_PERIODS as readonly string[]).includes(key) ? (key as PeriodUnit) : undefined;
}

export function readPositiveNumber(v: unknown, fn: string, arg: string): number | undefined {
  const c = single(v);
  if (isBlank(c)) return undefined;
  const n = readNumber(c, { fn, arg });
  if (!(n >= 0)) throw argError({ fn, arg }, `is ${show(c)}; expected a number of 0 or more.`);
  return n;
}
