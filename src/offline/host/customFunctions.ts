/**
 * Custom functions: calls bundle functions from formulas the way Sheets does.
 *  - a range argument arrives as a 2D array of values (blank "", numbers, strings, booleans, error
 *    codes such as "#N/A", and Date objects for cells shown as dates, in the spreadsheet's time
 *    zone); a single cell or a literal arrives as that value; an argument left out is undefined;
 *  - a returned 2D array spills down and right (a 1D array spills down one column); a Date comes
 *    back as a date; "", null and undefined show blank;
 *  - a thrown error makes the cell #ERROR! with the error's message as its tooltip
 *    (host.errorMessage reads it).
 * The function runs in AuthMode.CUSTOM_FUNCTION: it may read the spreadsheet but not change it.
 */
import type { CustomArg, CustomResult, EngineCustomFunction, EngineScalar } from '../engine.ts';
import type { SheetModel } from './model.ts';
import type { Realm } from './realm.ts';
import type { ServiceContext } from './state.ts';
import { customResultScalar, scriptArgument } from './values.ts';

export type ScriptFunction = (...args: unknown[]) => unknown;

function toScriptArgument(ctx: ServiceContext, arg: CustomArg): unknown {
  const { model } = ctx.host;
  const realm: Realm = ctx.realm;
  const tz = model.timeZone;
  switch (arg.kind) {
    case 'omitted':
      return undefined;
    case 'value':
      return scriptArgument(realm, tz, arg.value);
    case 'cell': {
      const sheet = model.sheetByEngineId(arg.sheet);
      return scriptArgument(realm, tz, arg.value, sheet && { sheet, row: arg.row, col: arg.col });
    }
    case 'range':
    case 'array': {
      const sheet: SheetModel | undefined = arg.kind === 'range' ? model.sheetByEngineId(arg.sheet) : undefined;
      const out = new realm.Array(arg.values.length) as unknown[][];
      arg.values.forEach((line, r) => {
        const row = new realm.Array(line.length) as unknown[];
        line.forEach((v, c) => {
          const at = sheet && arg.kind === 'range' ? { sheet, row: arg.row + r, col: arg.col + c } : undefined;
          row[c] = scriptArgument(realm, tz, v, at);
        });
        out[r] = row;
      });
      return out;
    }
  }
}

/** A returned value → engine result; 1D arrays are a column, nested arrays a grid. */
function fromScriptResult(value: unknown, timeZone: string): CustomResult {
  if (!Array.isArray(value)) return customResultScalar(value, timeZone);
  if (value.length === 0) return null;
  return value.map((line): EngineScalar[] => (Array.isArray(line) ? line.map((v) => customResultScalar(v, timeZone)) : [customResultScalar(line, timeZone)]));
}

/** Wraps a script function as an engine custom function. */
export function adaptCustomFunction(ctx: ServiceContext, fn: ScriptFunction): EngineCustomFunction {
  return (args) => {
    const scriptArgs = args.map((a) => toScriptArgument(ctx, a));
    // Trailing omitted arguments are simply not passed, as in Sheets.
    while (scriptArgs.length > 0 && args[scriptArgs.length - 1].kind === 'omitted') scriptArgs.pop();
    const previous = ctx.host.authMode;
    ctx.host.authMode = 'CUSTOM_FUNCTION';
    try {
      return fromScriptResult(fn(...scriptArgs), ctx.host.model.timeZone);
    } finally {
      ctx.host.authMode = previous;
    }
  };
}

/**
 * Names of functions whose JSDoc comment, directly above their top-level declaration, has the
 * @customfunction tag (names ending in "_" are private in Apps Script and never custom functions).
 */
export function customFunctionNames(source: string): string[] {
  const names: string[] = [];
  const re = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/[ \t]*\r?\n(?:[ \t]*\r?\n)*function\s+([A-Za-z_$][\w$]*)\s*\(/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (/@customfunction\b/.test(m[1]) && !m[2].endsWith('_')) names.push(m[2]);
  }
  return names;
}
