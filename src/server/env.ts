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

let cached: { env: Env; at: number } | undefined;

/** How long one reading of the time zone and of "now" serves. */
const ENV_TTL_MS = 60_000;

/**
 * In Sheets each custom-function call is its own execution, so this cache spares repeated calls
 * within one execution only. Where the script stays loaded (the offline preview), it expires after
 * a minute, so "now" moves on and a changed time zone is seen.
 */
export function callEnv(): Env {
  const t = Date.now();
  if (!cached || t - cached.at > ENV_TTL_MS) cached = { env: makeEnv(spreadsheetTimeZone(), t), at: t };
  return cached.env;
}
