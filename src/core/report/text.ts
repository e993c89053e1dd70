/** The words on the built sheets. */
import { FILE_LAST_ROW, FILE_UNREAD_ROW, Kind, Layout, TITLE, asText, colName, lit, sheetRef } from './grid';
import { Ctx } from './leads';

const share = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 1000) / 10}%` : '0%');
const plural = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** What a person must know about the leads a sheet counts: leads held back and why, said once, loudly, with the fix. */
/** The note of a sheet built from a setup nobody confirmed (the report command says it its own way). */
export const UNCONFIRMED_NOTE = "Built from LeadFlow's guesses about the columns and the pipeline, which nobody has confirmed yet: check them in Extensions ▸ LeadFlow ▸ Open setup (or in what the report command printed) and save.";

export function leadNotes(leads: Ctx): string[] {
  const notes: string[] = [];
  const unplaced = [...leads.unplaced].sort((a, b) => b[1] - a[1]);
  const held = unplaced.reduce((total, [, count]) => total + count, 0);
  if (held) {
    const list = unplaced.slice(0, 6).map(([status, count]) => `"${status}" (${count})`).join(', ') + (unplaced.length > 6 ? ` and ${unplaced.length - 6} more` : '');
    notes.push(`${plural(held, 'lead')} (${share(held, leads.leadCount)}) are not counted: their status matches no stage or exit: ${list}. Give each a stage in the Status → stage table on the right, or in Open setup.`);
  }
  for (const [header, count] of leads.unreadEvidence) notes.push(`${plural(count, 'row')} have text that is not a date in "${header}": those cells take no lead to that stage. Make them dates or clear them.`);
  const arrivedAt = leads.index('arrived');
  if (arrivedAt >= 0) {
    const undated = leads.input.rows.reduce((total, row, i) => total + (leads.comboOf[i] >= 0 && (row[arrivedAt] === '' || row[arrivedAt] === null || row[arrivedAt] === undefined) ? 1 : 0), 0);
    if (undated) notes.push(`${plural(undated, 'lead')} (${share(undated, leads.leadCount)}) have no arrival date in "${leads.input.setup.columns.arrived}": they count in the funnel of all leads, but in no month or period.`);
  }
  if (leads.textDates) notes.push(`${plural(leads.textDates, 'arrival date')} are text, which formulas cannot compare: make them dates (Format ▸ Number ▸ Date).`);
  return notes;
}

/** Rows 1–3: title, what the sheet is, which leads it reads. Notes go on row 4 when the plan is made. */
export function intro(layout: Layout, leads: Ctx, title: string, kind: Kind): void {
  layout.put(1, 1, [title], 't', TITLE);
  layout.put(2, 1, [`Built by LeadFlow (${kind}) from plain formulas over the leads: it follows new leads and works without the add-on.`], 't');
  // A file's formulas read the leads down to a fixed row (whole columns would cost LibreOffice and
  // Excel a million rows per lead column): the same line says so, and says so loudly once leads
  // are added below it, rather than leave them silently uncounted.
  const leadsSheet = leads.input.setup.leads.sheet;
  const below = `COUNTA(${sheetRef(leadsSheet)}$A$${FILE_UNREAD_ROW}:$${colName(Math.max(1, leads.input.headers.length))}$1048576)`;
  const counting = `Built by LeadFlow (${kind}) from plain formulas over the leads: it counts every lead on "${leadsSheet}" down to row ${FILE_LAST_ROW}, leads added later included, and works without the add-on.`;
  // In the words the report command uses for leads it leaves out.
  const missed = ` filled cells below row ${FILE_LAST_ROW} of "${leadsSheet}", past the last row this file's formulas read. Run the LeadFlow report again on all the leads to count them.`;
  layout.fileFormulas.push({ row: 2, column: 1, formula: `=IF(${below}=0,${lit(counting)},"NOT COUNTED: "&${below}&${lit(missed)})`, value: counting });
  layout.put(3, 1, ['Leads sheet', asText(leads.input.setup.leads.sheet)], 't');
  if (leads.input.saved === false) {
    layout.notes.push(UNCONFIRMED_NOTE);
  }
  layout.notes.push(...leadNotes(leads));
}

/** The lead-quality review checklist, in LeadFlow's words. */
export const REVIEW_CHECKLIST = [
  'We defined a good lead (fit and intent) before looking at any outcome.',
  'We compare like with like: one source, one period.',
  'We read the first replies actually sent, not what we assume they said.',
  'We do not take many contact attempts as proof of good follow-up.',
  'We put leads that moved on beside those that did not, and compare handling.',
  'An outcome nobody knows stays "unknown"; it never counts as a poor lead.',
];
