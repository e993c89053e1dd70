/**
 * A date column read in the wrong day order. When a spreadsheet in a month-first locale imports
 * dates written day first, "01/02/2018" becomes 2 January (a date cell, wrong) and "20/10/2017"
 * stays text (it cannot be month first). Such a column holds date cells whose days are all 12 or
 * less beside text dates that prove day-first order. This finds those columns and rewrites them:
 * each date cell with its day and month swapped back, each text date read day first.
 */
import { TimeZoneClock } from './time';
import { Cell, isBlank, isDate, numericDateParts, parseDateText } from './values';

export interface DayOrderMix {
  column: number;
  header: string;
  /** Date cells, all with a day of 12 or less (so each may be a swapped day and month). */
  dateCells: number;
  /** Text cells that read only day first ("20/10/2017"). */
  dayFirstText: number;
  /** Cells a repair changes: date cells whose day and month differ, and the text dates. */
  changes: number;
}

/** Columns that mix swapped date cells with day-first text dates. */
export function findDayOrderMix(headers: unknown[], rows: Cell[][], clock: TimeZoneClock): DayOrderMix[] {
  const out: DayOrderMix[] = [];
  headers.forEach((header, column) => {
    let dateCells = 0;
    let swapped = 0;
    let dayFirstText = 0;
    let monthFirstText = 0;
    let bigDay = false;
    for (const row of rows) {
      const v = row[column];
      if (isBlank(v)) continue;
      if (isDate(v)) {
        const d = new Date(clock.toWall(v.getTime()));
        dateCells++;
        if (d.getUTCDate() > 12) bigDay = true;
        else if (d.getUTCDate() !== d.getUTCMonth() + 1) swapped++;
      } else if (typeof v === 'string') {
        const parts = numericDateParts(v);
        if (!parts) continue;
        if (parts[0] > 12 && parts[1] <= 12) dayFirstText++;
        else if (parts[1] > 12) monthFirstText++;
      }
      if (bigDay || monthFirstText) break;
    }
    if (dateCells > 0 && dayFirstText > 0 && !bigDay && !monthFirstText) {
      out.push({ column, header: String(header ?? ''), dateCells, dayFirstText, changes: swapped + dayFirstText });
    }
  });
  return out;
}

/** The column as it was written: date cells with day and month swapped back, text dates read day first. Returns the cells changed. */
export function repairDayOrderMix(rows: Cell[][], column: number, clock: TimeZoneClock, makeDate: (instantMs: number) => Date = (ms) => new Date(ms)): number {
  let changed = 0;
  for (const row of rows) {
    const v = row[column];
    if (isDate(v)) {
      const wall = new Date(clock.toWall(v.getTime()));
      const [month, day] = [wall.getUTCMonth() + 1, wall.getUTCDate()];
      if (month === day) continue;
      const fixed = Date.UTC(wall.getUTCFullYear(), day - 1, month, wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds());
      row[column] = makeDate(clock.toInstant(fixed));
      changed++;
    } else if (typeof v === 'string' && numericDateParts(v)) {
      const wall = parseDateText(v, clock, 'dmy');
      if (wall === undefined) continue;
      row[column] = makeDate(clock.toInstant(wall));
      changed++;
    }
  }
  return changed;
}
