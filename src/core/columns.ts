/**
 * Which column holds what, guessed from header names the way CRM exports write them ("Created
 * Time", "Lead Source", "Lead Status", "Amount", "engage_date", "close_value"...). A guess is only
 * a starting point: the user confirms it.
 */
import { normalizeLabel } from './values';

export type ColumnRole =
  | 'arrived' | 'status' | 'source' | 'owner' | 'value' | 'lastActivity'
  | 'firstResponse' | 'attempts' | 'nextStep' | 'outcome' | 'email' | 'removedAt';

/** Header spellings per role, most specific first. Compared after normalizeLabel. */
export const HEADER_HINTS: Record<ColumnRole, string[]> = {
  arrived: ['created time', 'created date', 'created', 'create date', 'created at', 'date created', 'lead date', 'arrival date', 'arrived', 'engage date', 'date'],
  status: ['lead status', 'status', 'deal stage', 'stage', 'lifecycle stage', 'lifecycle status', 'lead stage', 'pipeline stage'],
  source: ['lead source', 'source', 'channel', 'utm source', 'original source', 'campaign'],
  owner: ['lead owner', 'owner', 'sales agent', 'assigned to', 'rep', 'sales rep', 'account owner'],
  value: ['deal value', 'amount', 'close value', 'value', 'deal amount', 'deal size', 'revenue', 'expected revenue'],
  lastActivity: ['last activity', 'last activity date', 'last activity time', 'last contacted', 'modified time', 'last modified', 'updated at'],
  firstResponse: ['first response (hours)', 'first response', 'first response time', 'response time', 'time to first response'],
  attempts: ['contact attempts', 'attempts', 'calls', 'number of attempts', 'touches'],
  nextStep: ['next step', 'next steps', 'next action'],
  outcome: ['outcome', 'result', 'close reason', 'lost reason', 'reason'],
  email: ['email', 'e mail', 'email address'],
  /** When a disqualified or lost lead left: net lead flow then counts it in that period. */
  removedAt: ['removal date', 'removed date', 'date removed', 'removed at', 'disqualified date', 'date disqualified', 'lost date', 'closed date', 'close date', 'date closed', 'closing date'],
};

/** For each role, the index of the header that best matches, or -1. A column is given to one role at most. */
export function guessColumns(headers: unknown[]): Record<ColumnRole, number> {
  const norm = headers.map((h) => normalizeLabel(h ?? ''));
  const taken = new Set<number>();
  const out = {} as Record<ColumnRole, number>;
  for (const role of Object.keys(HEADER_HINTS) as ColumnRole[]) {
    out[role] = -1;
    for (const hint of HEADER_HINTS[role]) {
      const i = norm.findIndex((h, j) => !taken.has(j) && h === hint);
      if (i >= 0) {
        out[role] = i;
        taken.add(i);
        break;
      }
    }
  }
  return out;
}
