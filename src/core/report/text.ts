/** The words on the built sheets. */
import { Kind, Layout, TITLE, asText } from './grid';
import { Ctx } from './leads';

const share = (n: number, of: number) => (of ? `${Math.round((n / of) * 1000) / 10}%` : '0%');
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What a person must know about the leads a sheet counts: leads held back and why, said once, loudly, with the fix. */
export function leadNotes(x: Ctx): string[] {
  const notes: string[] = [];
  const unplaced = [...x.unplaced].sort((a, b) => b[1] - a[1]);
  const held = unplaced.reduce((n, [, c]) => n + c, 0);
  if (held) {
    const list = unplaced.slice(0, 6).map(([s, c]) => `"${s}" (${c})`).join(', ') + (unplaced.length > 6 ? ` and ${unplaced.length - 6} more` : '');
    notes.push(`${plural(held, 'lead')} (${share(held, x.leadCount)}) are not counted: their status matches no stage or exit: ${list}. Give each a stage in the Status → stage table on the right, or in Open setup.`);
  }
  for (const [header, n] of x.unreadEvidence) notes.push(`${plural(n, 'lead')} are not counted: "${header}" holds text that is not a date for them. Make those cells dates or clear them.`);
  const arrivedAt = x.index('arrived');
  if (arrivedAt >= 0) {
    const undated = x.input.rows.reduce((n, r, i) => n + (x.comboOf[i] >= 0 && (r[arrivedAt] === '' || r[arrivedAt] === null || r[arrivedAt] === undefined) ? 1 : 0), 0);
    if (undated) notes.push(`${plural(undated, 'lead')} (${share(undated, x.leadCount)}) have no arrival date in "${x.input.setup.columns.arrived}": they count in the funnel of all leads, but in no month or period.`);
  }
  if (x.textDates) notes.push(`${plural(x.textDates, 'arrival date')} are text, which formulas cannot compare: make them dates (Format ▸ Number ▸ Date).`);
  return notes;
}

/** Rows 1–3: title, what the sheet is, which leads it reads. Notes go on row 4 when the plan is made. */
export function intro(L: Layout, x: Ctx, title: string, kind: Kind): void {
  L.put(1, 1, [title], 't', TITLE);
  L.put(2, 1, [`Built by LeadFlow (${kind}) from plain formulas over the leads: it follows new leads and works without the add-on.`], 't');
  L.put(3, 1, ['Leads sheet', asText(x.input.setup.leads.sheet)], 't');
  if (x.input.saved === false) {
    L.notes.push("Built from LeadFlow's guesses about the columns and the pipeline, which nobody has confirmed yet: check them in Extensions ▸ LeadFlow ▸ Open setup (or in what the report command printed) and save.");
  }
  L.notes.push(...leadNotes(x));
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
