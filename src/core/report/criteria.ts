/**
 * Cells as COUNTIFS sees them. A built sheet counts leads with COUNTIFS/SUMIFS criteria, and its
 * cached values are counted here, lead by lead, under the same rules, so the two cannot differ:
 * text matches without regard to case but with every space, a blank criterion matches empty
 * cells only, and a date criterion matches date cells (numbers) only, never date text.
 */

/** The key every cell a criterion matches shares: text in lower case, numbers and booleans tagged, "" for an empty cell. */
export function cellKey(v: unknown): string {
  if (v === '' || v === null || v === undefined) return '';
  if (typeof v === 'string') return `t${v.toLowerCase()}`;
  if (typeof v === 'number') return `n${v}`;
  if (typeof v === 'boolean') return `b${v}`;
  return `t${String(v).toLowerCase()}`;
}

/** A criterion matching exactly the cells of one key, as formula text: "=Closed Won", "" (empty), 5, TRUE. Wildcards are escaped. */
export function criterionFor(v: unknown): string {
  if (v === '' || v === null || v === undefined) return '""';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  const escaped = String(v).replace(/[~*?]/g, '~$&');
  return `"=${escaped.replace(/"/g, '""')}"`;
}

/** A criterion matching every cell but those of one key ("<>Yes"). */
export function notCriterionFor(v: unknown): string {
  if (typeof v === 'number') return `"<>${v}"`;
  if (typeof v === 'boolean') return v ? '"<>TRUE"' : '"<>FALSE"';
  return `"<>${String(v).replace(/[~*?]/g, '~$&').replace(/"/g, '""')}"`;
}

/** A date cell as the formulas see it: its serial number, or NaN for anything else (text included). */
export function serialOf(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

/** A SUMIF/COUNTIF criterion on text that must match as written (an exit name with a "*" in it). */
export const exactText = (s: string) => criterionFor(s);
