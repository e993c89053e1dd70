/**
 * The checklist sheet, for the review marketing and sales do together:
 *  - a lead-quality review: comparable leads (one source, one period), those that progressed beside
 *    those that did not, with how they were handled; unknown outcomes stay unknown;
 *  - the review checklist, with checkboxes;
 *  - a qualification checklist: one row per lead to review, a checkbox per criterion of the setup
 *    (ticked where the data already says so), evidence columns, and a live score, temperature and
 *    MQL/SQL status computed by formulas from the ticks and the setup's points and thresholds.
 */
import { compileScorer, describeRule, SCORING_PRESETS } from '../scoring';
import { Setup } from '../setup';
import { DAY_MS, nextPeriodStart, periodLabel, periodStart, wallToSerial } from '../time';
import { isBlank } from '../values';
import { HEAD, Layout, Plan, SECTION, asText, block, dateFormula, lit, ref } from './grid';
import { Ctx, countBy, writeMap } from './leads';
import { REVIEW_CHECKLIST, intro } from './text';

export interface ChecklistRequest {
  /** Which leads get a checklist row: still unreviewed (first stage), arrived in the last `days`, or all. */
  leads?: 'unreviewed' | 'recent' | 'all';
  days?: number;
  /** Period of the comparable groups in the review. */
  period?: 'month' | 'quarter';
}

/** Groups smaller than this carry a note that they are too small to judge. */
export const SMALL_GROUP = 20;
export const MAX_CHECKLIST_ROWS = 500;

/** The setup's scoring, or (when it has no rules yet) the preset with the most rules that fit the sheet's headers. */
export function scoringFor(setup: Setup, headers: string[]): { setup: Setup; preset?: string } {
  const have = headers.map((h) => h.toLowerCase());
  const best = setup.scoring.rules.length ? [] : SCORING_PRESETS
    .map((p) => ({ ...p, rules: p.rules.filter((r) => have.includes(r.column.toLowerCase())) }))
    .filter((p) => p.rules.length).sort((a, b) => b.rules.length - a.rules.length);
  return best.length ? { setup: { ...setup, scoring: best[0] }, preset: best[0].name } : { setup };
}

export function planChecklist(x: Ctx, o: ChecklistRequest): Plan {
  const L = new Layout();
  const { headers, rows, now } = x.input;
  const unit = o.period === 'month' ? 'month' : 'quarter';
  const { setup, preset } = scoringFor(x.input.setup, headers);
  const rules = setup.scoring.rules;
  const N = rules.length;
  const m = writeMap(L, 6, Math.max(19, N + 15) + 2, x);
  intro(L, x, 'Lead review checklist', 'checklist');
  const P = Math.min(3, x.stages.length);
  L.put(3, 3, ['Progressed: reached stage no.', P, `${x.stages[P - 1]} or further (change the number to move the line)`], 'tit');
  const c = (f: Parameters<Ctx['col']>[0]) => x.col(f);
  const [status, src, arr] = [c('status'), c('source'), c('arrived')];
  const val = x.val;

  // --- Lead-quality review: one row per source and period -----------------------------------
  L.put(6, 1, ['Lead-quality review: comparable leads, progressed and not, side by side'], 't', SECTION);
  L.put(7, 5, ['Progressed', '', '', '', '', '', 'Not progressed'], 't', HEAD);
  const side = ['Leads', 'Median first response (h)', 'Median contact attempts', 'Agreed a next step', 'Complete record', 'Outcome unknown'];
  L.put(8, 1, ['Lead source', 'Period', 'From', 'To', ...side, ...side, 'Not progressed, outcome known', 'Note'], 't', HEAD);
  const groups = new Map<string, [string, number]>();
  if (src) x.arrived.forEach((a, i) => {
    const g = val(rows[i], 'source');
    if (a === a && !isBlank(g)) groups.set(`${g}\u0000${periodStart(a, unit)}`, [String(g), periodStart(a, unit)]);
  });
  const order = x.groups('source').map(([g]) => g);
  const list = [...groups.values()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]) || a[1] - b[1]).slice(0, 80);
  // Each lead's stage no., looked up row by row (for medians, which COUNTIFS cannot give).
  const stageOf = `IFERROR(VLOOKUP(${status},${m.table},3,FALSE),0)`;
  const complete = (['owner', 'firstResponse', 'attempts'] as const).map((f) => (c(f) ? `,${c(f)},"<>"` : '')).join('');
  list.forEach(([g, p], i) => {
    const r = 9 + i;
    const [s, from, to] = [1, 3, 4].map((k) => ref(r, k, 2));
    const crit = `,${src},${s},${arr},">="&${from},${arr},"<"&(${to}+1)`;
    const cells = [asText(g), periodLabel(p, unit), dateFormula(p), dateFormula(nextPeriodStart(p, unit) - DAY_MS)];
    [0, 1].forEach((k) => {
      const n = ref(r, 5 + 6 * k);
      // Progressed: stage no. >= the line; not progressed: a mapped status below it.
      const count = (extra: string) => countBy(x, m, crit + extra, k ? `(${m.stage}>=1)*(${m.stage}<$D$3)` : `(${m.stage}>=$D$3)`);
      // Not progressed in one lookup: 0 < stage < P exactly when |2·stage − P| < P.
      const median = (f: 'firstResponse' | 'attempts') => c(f) ? `=IFERROR(ARRAYFORMULA(MEDIAN(IF(${k ? `(ABS(2*${stageOf}-$D$3)<$D$3)` : `(${stageOf}>=$D$3)`}*(${src}=${s})*(${arr}>=${from})*(${arr}<${to}+1)*ISNUMBER(${c(f)}),${c(f)}))),"")` : '-';
      const share = (extra: string) => (extra ? `=IFERROR(${count(extra)}/${n},"")` : '-');
      const out = c('outcome');
      cells.push(`=${count('')}`, median('firstResponse'), median('attempts'), share(c('nextStep') && `,${c('nextStep')},"<>"`), share(complete),
        out ? `=IFERROR((${n}-${count(`,${out},"<>"`)}+${count(`,${out},"unknown"`)})/${n},"")` : '-');
    });
    const [p5, n11] = [ref(r, 5), ref(r, 11)];
    cells.push(c('outcome') ? `=IFERROR(${n11}-ROUND(${ref(r, 16)}*${n11},0),${n11})` : '',
      `=IF(${p5}+${n11}<${SMALL_GROUP},"Too few leads to judge (under ${SMALL_GROUP})","")`);
    L.put(r, 1, cells, 'ttddiyypppiyypppit');
  });
  let r = 10 + list.length;
  L.put(r, 1, [`Complete record: owner, first response and contact attempts all filled in. A blank or "Unknown" outcome is counted as unknown, never as a poor lead. A group of fewer than ${SMALL_GROUP} leads is too small to judge.`], 't');

  // --- The review checklist ----------------------------------------------------------------
  L.put(r + 2, 1, ['Before judging lead quality'], 't', SECTION);
  REVIEW_CHECKLIST.forEach((t, i) => L.put(r + 3 + i, 1, [false, t], 'it'));
  L.checkboxes.push([r + 3, 1, 6, 1]);
  r += 10;

  // --- Qualification checklist: one row per lead ---------------------------------------------
  L.put(r, 1, ['Qualification checklist: one row per lead to review'], 't', SECTION);
  L.put(r + 1, 1, [`A box is ticked where the data already meets the criterion: correct it as you review. Score, temperature and status follow the ticks, the points and the thresholds.${preset ? ` The setup has no rules yet, so these come from the "${preset}" preset.` : ''}`], 't');
  const sc = setup.scoring;
  const t = r + 2;
  L.put(t, 1, ['Fit cap', sc.caps.fit, 'Intent cap', sc.caps.intent, 'MQL: fit ≥', sc.mql.fit, 'and intent ≥', sc.mql.intent,
    'SQL: fit ≥', sc.sql.fit, 'and intent ≥', sc.sql.intent, 'Warm from', sc.temperature.warm, 'Hot from', sc.temperature.hot], 'i', HEAD);
  const th = (k: number) => ref(t, 2 + 2 * k, 1);
  L.put(t + 1, 6, ['Points', ...rules.map((u) => u.points)], 'ti');
  L.put(t + 2, 6, ['Group', ...rules.map((u) => (u.group === 'fit' ? 'Fit' : 'Intent'))], 't');
  L.put(t + 3, 1, ['Lead', 'Row', 'Source', 'Owner', 'Arrived', 'Status', ...rules.map(describeRule),
    'Fit evidence', 'Intent evidence', 'Handling evidence', 'Outcome evidence', 'Fit', 'Intent', 'Score', 'Temperature', 'Qualification'], 't', HEAD);

  const { scorer } = compileScorer(setup, headers, x.input.dates.clock, now);
  const first = t + 4;
  const since = now - (o.days || 30) * DAY_MS;
  const picked = rows.map((_, i) => i).filter((i) => {
    const s = val(rows[i], 'status');
    const res = x.pipeline.resolve(s);
    return !(isBlank(s) && x.arrived[i] !== x.arrived[i]) &&
      (o.leads === 'recent' ? x.arrived[i] >= since : o.leads === 'all' || !res || (!res.stage && res.exit < 0));
  }).sort((a, b) => (x.arrived[b] || 0) - (x.arrived[a] || 0));
  if (picked.length > MAX_CHECKLIST_ROWS) L.notes.push(`Listing the ${MAX_CHECKLIST_ROWS} newest of ${picked.length} leads.`);
  const [points, groupRow] = [t + 1, t + 2].map((g) => block(g, 7, g, 6 + N));
  const shown = picked.slice(0, MAX_CHECKLIST_ROWS);
  shown.forEach((i, n) => {
    const row = rows[i];
    const at = first + n;
    const fired = scorer.score(row).fired;
    const outcome = String(val(row, 'outcome')).trim();
    const [rf, ra, rn] = [val(row, 'firstResponse'), val(row, 'attempts'), val(row, 'nextStep')];
    const handling = [isBlank(rf) ? '' : `first reply after ${rf} h`, isBlank(ra) ? '' : `${ra} contact attempts`,
      x.index('nextStep') < 0 ? '' : isBlank(rn) ? 'no next step agreed' : `next step: ${rn}`].filter(Boolean).join('; ');
    const group = (g: string) => (N ? `SUMPRODUCT((${groupRow}=${lit(g)})*${points}*${ref(at, 7)}:${ref(at, 6 + N)})` : '0');
    const [fit, intent, score] = [11, 12, 13].map((k) => ref(at, k + N));
    L.put(at, 1, [
      asText(row[0]), x.input.setup.leads.headerRow + 1 + i, asText(val(row, 'source')), asText(val(row, 'owner')),
      x.arrived[i] === x.arrived[i] ? wallToSerial(x.arrived[i]) : '', asText(val(row, 'status')),
      ...rules.map((_, k) => fired.includes(k)),
      '', '', asText(handling), !outcome || /^unknown$/i.test(outcome) ? 'Unknown' : asText(outcome),
      `=MAX(0,MIN(${th(0)},${group('Fit')}))`, `=MAX(0,MIN(${th(1)},${group('Intent')}))`, `=${fit}+${intent}`,
      `=IF(${score}>=${th(7)},"Hot",IF(${score}>=${th(6)},"Warm","Cold"))`,
      `=IF(AND(${fit}>=${th(4)},${intent}>=${th(5)}),"SQL",IF(AND(${fit}>=${th(2)},${intent}>=${th(3)}),"MQL","Unqualified"))`,
    ], `tittst${'i'.repeat(N)}ttttiiit`);
  });
  if (N && shown.length) L.checkboxes.push([first, 7, shown.length, N]);
  if (!shown.length) L.put(first, 1, ['No lead matches this choice.'], 't');
  return L.plan('checklist', 'Lead review');
}
