/** The scoring formulas: one formula per column, over the leads range with its header row. */
import { argError, show, showList } from '../core/errors';
import { LeadScore, Scorer, compileScorer, describeRule } from '../core/scoring';
import { MARKER_CLEARED, invalidSetup } from '../core/pipeline';
import { Setup, isSetupGrid, looksLikeSetupGrid, setupFromGrid } from '../core/setup';
import { Grid, isBlank, normalizeLabel, toGrid } from '../core/values';
import { Env, given, single } from './args';

type Out = string | number;

/** The setup argument: only the setup range carries scoring rules. */
export function readSetupArg(v: unknown, fn: string, headers: unknown[]): Setup {
  const grid = toGrid(v);
  if (!isSetupGrid(grid) && looksLikeSetupGrid(grid)) {
    throw argError({ fn, arg: 'setup' }, MARKER_CLEARED);
  }
  if (!isSetupGrid(grid)) {
    throw argError({ fn, arg: 'setup' }, 'must be the LeadFlow setup range (LeadFlowSetup), which holds the qualification rules; create it with Extensions > LeadFlow > Open setup.');
  }
  // A range given without its header row reads a lead as the header: say that, not what that lead's cells look like as names.
  const unchecked = setupFromGrid(grid).setup;
  const names = new Set(headers.map((h) => normalizeLabel(h ?? '')));
  const looksLikeALead = headers.some((h) => typeof h === 'number' || typeof h === 'boolean' || (typeof h === 'object' && h !== null) || (typeof h === 'string' && h.includes('@')));
  if (looksLikeALead && unchecked && unchecked.scoring.rules.length && !unchecked.scoring.rules.some((r) => names.has(normalizeLabel(r.column)))) {
    throw argError({ fn, arg: 'leads_with_headers' }, `must start with the header row, but its first row holds ${headers.filter((h) => !isBlank(h)).slice(0, 3).map(show).join(', ')}…, not the columns the rules look at (${showList([...new Set(unchecked.scoring.rules.map((r) => r.column))], 4)}). Give the range from the header row, e.g. A1:M.`);
  }
  const { setup, problems } = setupFromGrid(grid, headers);
  if (!setup) {
    throw argError({ fn, arg: 'setup' }, invalidSetup(problems));
  }
  return setup;
}

/**
 * Scores every row of a leads range whose first row is the header row; blank rows stay blank.
 * Without `withRules` each lead is scored into one reused object (a million leads, no allocation
 * each but the output row).
 */
function scoreRows(fn: string, args: unknown[], env: Env, header: string, cell: (s: LeadScore, scorer: Scorer) => Out[], withRules = false): Out[][] {
  const grid: Grid = toGrid(args[0]);
  if (grid.length < 1) throw argError({ fn, arg: 'leads_with_headers' }, 'is empty; expected the leads range including its header row.');
  const headers = grid[0];
  if (headers.every(isBlank)) throw argError({ fn, arg: 'leads_with_headers' }, 'starts with a blank row; expected the header row first, e.g. A1:M.');
  const setup = readSetupArg(args[1], fn, headers);
  const { scorer } = compileScorer(setup, headers, env.clock, env.now);
  const scratch: LeadScore = { fit: 0, intent: 0, total: 0, fired: [] };
  const first = cell(scratch, scorer).map((_, i) => (i === 0 ? header : ''));
  const blank = first.map(() => '');
  const out: Out[][] = new Array(grid.length);
  out[0] = first;
  for (let i = 1; i < grid.length; i++) {
    const row = grid[i];
    let empty = true;
    for (let c = 0; c < row.length && empty; c++) empty = isBlank(row[c]);
    out[i] = empty ? blank.slice() : cell(withRules ? scorer.score(row) : scorer.scoreInto(row, scratch), scorer);
  }
  return out;
}

const PARTS = ['total', 'fit', 'intent'] as const;

export function LEADSCORE(args: unknown[], env: Env): Out[][] {
  const fn = 'LEADSCORE';
  let part: (typeof PARTS)[number] = 'total';
  if (given(args[2])) {
    const p = String(single(args[2])).trim().toLowerCase();
    if (!(PARTS as readonly string[]).includes(p)) throw argError({ fn, arg: 'part' }, `is ${show(single(args[2]))}; expected "total", "fit" or "intent".`);
    part = p as (typeof PARTS)[number];
  }
  const label = part === 'total' ? 'Lead score' : part === 'fit' ? 'Fit score' : 'Intent score';
  return scoreRows(fn, args, env, label, (s) => [s[part]]);
}

export function LEADTEMPERATURE(args: unknown[], env: Env): Out[][] {
  return scoreRows('LEADTEMPERATURE', args, env, 'Temperature', (s, scorer) => [scorer.temperature(s)]);
}

export function LEADQUALIFICATION(args: unknown[], env: Env): Out[][] {
  const showRules = given(args[2]) && single(args[2]) !== false && String(single(args[2])).toLowerCase() !== 'false';
  return scoreRows('LEADQUALIFICATION', args, env, 'Qualification', (s, scorer) => {
    const status = scorer.qualification(s);
    return showRules ? [status, s.fired.map((i) => describeRule(scorer.rules[i])).join('; ')] : [status];
  }, showRules).map((row, i) => (i === 0 && showRules ? ['Qualification', 'Rules that matched'] : row));
}
