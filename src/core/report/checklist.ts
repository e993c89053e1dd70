/**
 * The checklist sheet, for the review marketing and sales do together:
 *  - a lead-quality review: comparable leads (one source, one period), those that progressed beside
 *    those that did not, with how they were handled; unknown outcomes stay unknown;
 *  - the review checklist, with checkboxes;
 *  - a qualification checklist: one row per lead to review, a checkbox per criterion of the setup
 *    (ticked where the data already says so), evidence columns, and a live score, temperature and
 *    MQL/SQL status computed by formulas from the ticks and the setup's points and thresholds.
 */
import { ratio } from '../funnel';
import { compileScorer, describeRule, SCORING_PRESETS } from '../scoring';
import { Setup } from '../setup';
import { DAY_MS, nextPeriodStart, periodLabel, periodStart, wallToSerial } from '../time';
import { median } from '../timing';
import { isBlank } from '../values';
import { cellKey, criterionFor } from './criteria';
import { Computed, HEAD, Layout, Plan, SECTION, asText, block, dateCell, fx, lit, ref } from './grid';
import { CountBlock, Ctx, MapRefs, writeMap } from './leads';
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
  const mapCol = Math.max(19, N + 15) + 2;
  L.reportColumns = mapCol - 2;
  const map = writeMap(L, 6, mapCol, x);
  const blk = new CountBlock(L, x, 6, mapCol + 7, map);
  intro(L, x, 'Lead review checklist', 'checklist');
  L.frozenRows = 3;
  const P = Math.min(3, x.stages.length);
  L.put(3, 3, ['Progressed: reached stage no.', P, `${x.stages[P - 1]} or further (change the number to move the line)`], 'tit');
  const c = (f: Parameters<Ctx['col']>[0]) => x.col(f);
  const [src, arr] = [c('source'), c('arrived')];
  const val = x.val;

  // --- Lead-quality review: one row per source and period -----------------------------------
  L.put(6, 1, ['Lead-quality review: comparable leads, progressed and not, side by side'], 't', SECTION);
  L.put(7, 5, ['Progressed', '', '', '', '', '', 'Not progressed'], 't', HEAD);
  const side = ['Leads', 'Median first response (h)', 'Median contact attempts', 'Agreed a next step', 'Complete record', 'Outcome unknown'];
  L.put(8, 1, ['Lead source', 'Period', 'From', 'To', ...side, ...side, 'Not progressed, outcome known', 'Note'], 't', HEAD);
  const { list: groups, of: groupOf } = x.groups('source');
  const srcAt = x.index('source');
  const periodOf = (i: number) => (x.arrived[i] === x.arrived[i] ? periodStart(x.arrived[i], unit) : NaN);
  const pairs = new Map<string, { group: number; period: number; spellings: unknown[] }>();
  if (src && arr) x.comboOf.forEach((combo, i) => {
    const p = periodOf(i);
    if (combo < 0 || groupOf[i] < 0 || p !== p) return;
    const key = `${groupOf[i]}\u0000${p}`;
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { group: groupOf[i], period: p, spellings: [] }));
    const v = rows[i][srcAt];
    if (!pair.spellings.some((s) => cellKey(s) === cellKey(v))) pair.spellings.push(v);
  });
  const list = [...pairs.values()].sort((a, b) => a.group - b.group || a.period - b.period).slice(0, 40);
  // One block column per pair and spelling, for each kind of count the table needs.
  const slotOf = new Map<string, number>();
  const baseCrits: string[] = [];
  list.forEach((pr) => pr.spellings.forEach((v) => {
    slotOf.set(`${pr.group}\u0000${pr.period}\u0000${cellKey(v)}`, baseCrits.length);
    const from = dateCell(pr.period).f.slice(1);
    const to = dateCell(nextPeriodStart(pr.period, unit)).f.slice(1);
    baseCrits.push(`,${src},${criterionFor(v)},${arr},">="&${from},${arr},"<"&${to}`);
  }));
  const slot = (i: number) => (groupOf[i] < 0 ? -1 : slotOf.get(`${groupOf[i]}\u0000${periodOf(i)}\u0000${cellKey(rows[i][srcAt])}`) ?? -1);
  const filled = (f: 'owner' | 'firstResponse' | 'attempts' | 'nextStep' | 'outcome', i: number) => !isBlank(val(rows[i], f));
  const kinds: Record<string, { crit: string; keep: (i: number) => boolean } | undefined> = {
    base: { crit: '', keep: () => true },
    next: c('nextStep') ? { crit: `,${c('nextStep')},"<>"`, keep: (i) => filled('nextStep', i) } : undefined,
    complete: (['owner', 'firstResponse', 'attempts'] as const).some((f) => c(f))
      ? { crit: (['owner', 'firstResponse', 'attempts'] as const).map((f) => (c(f) ? `,${c(f)},"<>"` : '')).join(''), keep: (i) => (['owner', 'firstResponse', 'attempts'] as const).every((f) => !c(f) || filled(f, i)) }
      : undefined,
    known: c('outcome') ? { crit: `,${c('outcome')},"<>"`, keep: (i) => filled('outcome', i) } : undefined,
    unknownWord: c('outcome') ? { crit: `,${c('outcome')},"unknown"`, keep: (i) => String(val(rows[i], 'outcome')).toLowerCase() === 'unknown' } : undefined,
  };
  const cols: Record<string, number[]> = {};
  for (const [kind, spec] of Object.entries(kinds)) {
    if (!spec) continue;
    cols[kind] = blk.addMany(baseCrits.map((_, k) => `Review ${k + 1} ${kind}`), baseCrits.map((cr) => cr + spec.crit), (i) => (spec.keep(i) ? slot(i) : -1));
  }
  // Progressed: stage no. at or past the line in D3; not progressed: placed, but before it.
  const side2 = (kind: string, pr: (typeof list)[number], progressed: boolean): Computed => {
    const js = pr.spellings.map((v) => cols[kind][slotOf.get(`${pr.group}\u0000${pr.period}\u0000${cellKey(v)}`)!]);
    const f = js.map((j) => (progressed ? `SUMIF(${blk.levels},">="&$D$3,${blk.range(j)})` : `SUMIF(${blk.levels},">=1",${blk.range(j)})-SUMIF(${blk.levels},">="&$D$3,${blk.range(j)})`)).join('+');
    const v = js.reduce((n, j) => n + (progressed ? blk.reachedValue(j, P) : blk.reachedValue(j, 1) - blk.reachedValue(j, P)), 0);
    return fx(f, v);
  };
  const levelArray = levelExpression(x, map);
  // The values behind each median, gathered in one pass over the leads: [pair][progressed? 0 : 1][field].
  const pairIndex = new Map(list.map((pr, k) => [`${pr.group}\u0000${pr.period}`, k]));
  const medianFields = (['firstResponse', 'attempts'] as const).filter((f) => c(f));
  const gathered = list.map(() => [0, 1].map(() => medianFields.map(() => [] as number[])));
  if (medianFields.length) x.comboOf.forEach((combo, i2) => {
    if (combo < 0 || groupOf[i2] < 0) return;
    const k = pairIndex.get(`${groupOf[i2]}\u0000${periodOf(i2)}`);
    const lv = x.combos[combo].level;
    if (k === undefined || lv < 1) return;
    const side = lv >= P ? 0 : 1;
    medianFields.forEach((f, fi) => {
      const v = rows[i2][x.index(f)];
      if (typeof v === 'number') gathered[k][side][fi].push(v);
    });
  });
  list.forEach((pr, i) => {
    const r = 9 + i;
    const [s, from, to] = [1, 3, 4].map((k) => ref(r, k, 2));
    const label = groups[pr.group].label;
    const cells: (string | number | boolean | Computed)[] = [asText(label), periodLabel(pr.period, unit), dateCell(pr.period), dateCell(nextPeriodStart(pr.period, unit) - DAY_MS)];
    [true, false].forEach((progressed) => {
      const n = side2('base', pr, progressed);
      const nv = n.v as number;
      const nRef = ref(r, progressed ? 5 : 11);
      const med = (f: 'firstResponse' | 'attempts'): Computed | string => {
        if (!c(f)) return '-';
        const values = gathered[i][progressed ? 0 : 1][medianFields.indexOf(f)];
        const test = progressed ? `(${levelArray}>=$D$3)` : `(${levelArray}>=1)*(${levelArray}<$D$3)`;
        const inGroup = pr.spellings.length === 1 ? `(${src}=${s})` : `ISNUMBER(MATCH(${src},{${pr.spellings.map((v) => (typeof v === 'string' ? lit(v) : String(v))).join(';')}},0))`;
        return fx(`IFERROR(ARRAYFORMULA(MEDIAN(IF(${test}*${inGroup}*(${arr}>=${from})*(${arr}<${to}+1)*ISNUMBER(${c(f)}),${c(f)}))),"")`, median(values));
      };
      const share = (kind: string): Computed | string => (cols[kind] ? fx(`IFERROR((${side2(kind, pr, progressed).f.slice(1)})/${nRef},"")`, ratio(side2(kind, pr, progressed).v as number, nv)) : '-');
      const unknown = cols.known
        ? fx(`IFERROR((${nRef}-(${side2('known', pr, progressed).f.slice(1)})+(${side2('unknownWord', pr, progressed).f.slice(1)}))/${nRef},"")`,
          ratio(nv - (side2('known', pr, progressed).v as number) + (side2('unknownWord', pr, progressed).v as number), nv))
        : '-';
      cells.push(n, med('firstResponse'), med('attempts'), share('next'), share('complete'), unknown);
    });
    const [p5, n11] = [ref(r, 5), ref(r, 11)];
    const [pv, nv] = [cells[4] as Computed, cells[10] as Computed].map((cc) => cc.v as number);
    const unknownShare = cells[15] as Computed | string;
    cells.push(cols.known && typeof unknownShare !== 'string'
      ? fx(`IFERROR(${n11}-ROUND(${ref(r, 16)}*${n11},0),${n11})`, unknownShare.v === '' ? nv : nv - Math.round((unknownShare.v as number) * nv))
      : '',
    fx(`IF(${p5}+${n11}<${SMALL_GROUP},"Too few leads to judge (under ${SMALL_GROUP})","")`, pv + nv < SMALL_GROUP ? `Too few leads to judge (under ${SMALL_GROUP})` : ''));
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
  // Unreviewed: still at the first stage and in the pipeline, or held back by a status nothing places.
  const picked: number[] = [];
  x.comboOf.forEach((c2, i) => {
    const combo = c2 < 0 ? undefined : x.combos[c2];
    if (combo && (o.leads === 'recent' ? x.arrived[i] >= since : o.leads === 'all' || combo.level === 0 || (combo.level === 1 && combo.open))) picked.push(i);
  });
  // Newest first: a typed array of arrivals sorts a million leads quickly.
  const order = Float64Array.from(picked, (i) => -(x.arrived[i] || 0));
  const byArrival = Uint32Array.from(picked.keys()).sort((a, b) => order[a] - order[b] || a - b);
  const shown = Array.from(byArrival.subarray(0, Math.min(byArrival.length, MAX_CHECKLIST_ROWS)), (k) => picked[k]);
  if (picked.length > MAX_CHECKLIST_ROWS) L.notes.push(`Listing the ${MAX_CHECKLIST_ROWS} newest of ${picked.length} leads.`);
  const [points, groupRow] = [t + 1, t + 2].map((g) => block(g, 7, g, 6 + N));
  shown.forEach((i, n) => {
    const row = rows[i];
    const at = first + n;
    const score = scorer.score(row);
    const fired = score.fired;
    const outcome = String(val(row, 'outcome')).trim();
    const [rf, ra, rn] = [val(row, 'firstResponse'), val(row, 'attempts'), val(row, 'nextStep')];
    const handling = [isBlank(rf) ? '' : `first reply after ${rf} h`, isBlank(ra) ? '' : `${ra} contact attempts`,
      x.index('nextStep') < 0 ? '' : isBlank(rn) ? 'no next step agreed' : `next step: ${rn}`].filter(Boolean).join('; ');
    const group = (g: string) => (N ? `SUMPRODUCT((${groupRow}=${lit(g)})*${points}*${ref(at, 7)}:${ref(at, 6 + N)})` : '0');
    const [fit, intent, total] = [11, 12, 13].map((k) => ref(at, k + N));
    L.put(at, 1, [
      asText(row[0]), x.input.setup.leads.headerRow + 1 + i, asText(val(row, 'source')), asText(val(row, 'owner')),
      x.arrived[i] === x.arrived[i] ? wallToSerial(x.arrived[i]) : '', asText(val(row, 'status')),
      ...rules.map((_, k) => fired.includes(k)),
      '', '', asText(handling), !outcome || /^unknown$/i.test(outcome) ? 'Unknown' : asText(outcome),
      fx(`MAX(0,MIN(${th(0)},${group('Fit')}))`, score.fit), fx(`MAX(0,MIN(${th(1)},${group('Intent')}))`, score.intent), fx(`${fit}+${intent}`, score.total),
      fx(`IF(${total}>=${th(7)},"Hot",IF(${total}>=${th(6)},"Warm","Cold"))`, scorer.temperature(score)),
      fx(`IF(AND(${fit}>=${th(4)},${intent}>=${th(5)}),"SQL",IF(AND(${fit}>=${th(2)},${intent}>=${th(3)}),"MQL","Unqualified"))`, scorer.qualification(score)),
    ], `tittst${'i'.repeat(N)}ttttiiit`);
  });
  if (N && shown.length) L.checkboxes.push([first, 7, shown.length, N]);
  if (!shown.length) L.put(first, 1, ['No lead matches this choice.'], 't');
  blk.write();
  return L.plan('checklist', 'Lead review');
}

/**
 * Each lead's stage no. as an array expression (for ARRAYFORMULA medians, which COUNTIFS cannot
 * give): the status's stage from the Status → stage table (0 when it cannot place a status that is
 * there), raised by the won/lost column and by the furthest stage date or flag that is filled.
 */
function levelExpression(x: Ctx, map: MapRefs): string {
  const lookup = (col: string) => `IFERROR(VLOOKUP(${col},${map.table},3,FALSE),0)`;
  const status = x.col('status');
  const result = x.col('result');
  let base = status ? lookup(status) : '0';
  if (result) base = `IF(${lookup(result)}>${base},${lookup(result)},${base})`;
  let evidence = '0';
  for (const e of x.evidence) evidence = `IF(${e.kind === 'date' ? `ISNUMBER(${e.ref})` : `(${e.ref}=${criterionFor(e.yes[0] ?? 'yes').replace(/^"=/, '"')})`},${e.stage + 1},${evidence})`;
  const raised = evidence === '0' ? base : `IF(${evidence}>${base},${evidence},${base})`;
  return status ? `IF((${status}<>"")*(${lookup(status)}=0),0,${raised})` : raised;
}
