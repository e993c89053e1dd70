/** What a custom function needs from the spreadsheet: its time zone, read once per execution. */
import { makeEnv } from '../functions/registry';
import { Env } from '../functions/args';

export function spreadsheetTimeZone(): string {
  try {
    return SpreadsheetApp.getActiveSpreadsheet().getSpreadsheetTimeZone();
  } catch {
    // Outside a spreadsheet (a test runner, the script editor) fall back to the script's zone.
    try {
      return Session.getScriptTimeZone();
    } catch {
      return 'UTC';
    }
  }
}

let cached: Env | undefined;

/** Each custom-function call is its own execution, so caching here never outlives one recalculation. */
export function callEnv(): Env {
  return (cached ??= makeEnv(spreadsheetTimeZone(), Date.now()));
}
