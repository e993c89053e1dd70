/** The words on the built sheets. */
import { Kind, Layout, TITLE, asText } from './grid';
import { Ctx } from './leads';

/** Rows 1–3: title, what the sheet is, which leads it reads. Notes go on row 4 when the plan is made. */
export function intro(L: Layout, x: Ctx, title: string, kind: Kind): void {
  L.put(1, 1, [title], 't', TITLE);
  L.put(2, 1, [`Built by LeadFlow (${kind}) from plain formulas over the leads: it follows new leads and works without the add-on.`], 't');
  L.put(3, 1, ['Leads sheet', asText(x.input.setup.leads.sheet)], 't');
  const unmapped = x.map.filter((m) => !m.stage).map((m) => `"${m.spelling}"`);
  if (unmapped.length) L.notes.push(`Not counted until mapped to a stage: ${unmapped.slice(0, 8)}.`);
  if (x.textDates) L.notes.push(`${x.textDates} arrival dates are text, which formulas cannot compare: format them as dates.`);
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
