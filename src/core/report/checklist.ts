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
import { DAY_MS, nextPeriodStart, periodLabel, periodStart, serialToWall, wallToSerial } from '../time';
import { median } from '../timing';
import { isBlank } from '../values';
import { cellKey } from './criteria';
import { Computed, HEAD, Layout, Plan, SECTION, asText, block, dateCell, fx, lit, ref } from './grid';
import { BLANK_GROUP, Ctx, Group, writeMap } from './leads';
import { PerLead, PerLeadValue, Split, StageCounts, isEmpty } from './stages';
import { REVIEW_CHECKLIST, intro } from './text';

export interface ChecklistRequest {
  /** Which leads get a checklist row: still unreviewed (first stage), arrived in the last `days`, or all. */
  leads?: 'unreviewed' | 'recent' | 'all';
  days?: number;
  /** Period of the comparable groups in the review. */
  period?: 'month' | 'quarter';
}

/** The review sheet's name. */
const CHECKLIST_SHEET = 'Lead review';

/** What each kind of count of the review holds, as its split is titled in the count block. */
const KIND_TITLES: Record<string, string> = { base: 'leads', next: 'with a next step', complete: 'complete record', known: 'outcome filled in', unknownWord: 'outcome "Unknown"' };

/**
 * Each lead's review pair: a key of its source group (the one group, ALL_SOURCES, when no column
 * is the source) and arrival period (group × 100,000 + months since January of the first pair's
 * year, or quarters), looked up in the table of pairs the sheet lists (PAIR_TABLE in the
 * expression); -1 for a lead in none.
 */
function reviewPairs(counts: StageCounts, perLead: PerLead, leads: Ctx, groups: Group[] | null, pairs: { group: number; period: number }[], unit: 'month' | 'quarter') {
  const firstYear = pairs.length ? new Date(Math.min(...pairs.map((pair) => pair.period))).getUTCFullYear() : 2000;
  const periodNumber = (wall: number) => {
    const date = new Date(wall);
    const months = (date.getUTCFullYear() - firstYear) * 12 + date.getUTCMonth();
    return unit === 'quarter' ? Math.floor(months / 3) : months;
  };
  const pairTable = pairs.map((pair, pairAt): [number, number] => [pair.group * 100_000 + periodNumber(pair.period), pairAt]);
  // No pairs (no arrival date mapped, or none filled in): every lead is in none.
  if (!pairs.length) return { pairTable, pairSlice: { expr: '-1', values: new Int32Array(leads.input.rows.length).fill(-1) } };
  const pairOf = new Map(pairTable);
  // Without a source column (groups null) every lead is in the one group, 0.
  const group = groups ? counts.groupSlice('source', groups, groups.findIndex((candidate) => candidate.label === BLANK_GROUP)) : { expr: '0', values: new Int32Array(leads.input.rows.length) };
  const arrival = perLead.cell(leads.index('arrived'));
  const months = `(YEAR(${arrival})-${firstYear})*12+MONTH(${arrival})-1`;
  const period = unit === 'quarter' ? `INT((${months})/3)` : months;
  const arrivals = leads.serials('arrived');
  return {
    pairTable,
    pairSlice: {
      expr: `IF(ISNUMBER(${arrival}),IFERROR(VLOOKUP((${group.expr})*100000+${period},PAIR_TABLE,2,FALSE),-1),-1)`,
      values: Int32Array.from(leads.input.rows, (_, i) => (arrivals[i] === arrivals[i] ? pairOf.get(group.values[i] * 100_000 + periodNumber(serialToWall(Math.floor(arrivals[i])))) ?? -1 : -1)),
    },
  };
}

/** The review's one group when no column is the lead source. */
export const ALL_SOURCES = 'All sources';

/** Groups smaller than this carry a note that they are too small to judge. */
export const SMALL_GROUP = 20;
export const MAX_CHECKLIST_ROWS = 500;

/** The setup's scoring, or (when it has no rules yet) the preset with the most rules that fit the sheet's headers. */
export function scoringFor(setup: Setup, headers: string[]): { setup: Setup; preset?: string } {
  const headerKeys = headers.map((header) => header.toLowerCase());
  const best = setup.scoring.rules.length ? [] : SCORING_PRESETS
    .map((preset) => ({ ...preset, rules: preset.rules.filter((rule) => headerKeys.includes(rule.column.toLowerCase())) }))
    .filter((preset) => preset.rules.length).sort((a, b) => b.rules.length - a.rules.length);
  return best.length ? { setup: { ...setup, scoring: best[0] }, preset: best[0].name } : { setup };
}

export function planChecklist(leads: Ctx, request: ChecklistRequest): Plan {
  const layout = new Layout();
  const { headers, rows, now } = leads.input;
  const unit = request.period === 'month' ? 'month' : 'quarter';
  const { setup, preset } = scoringFor(leads.input.setup, headers);
  const rules = setup.scoring.rules;
  const ruleCount = rules.length;
  const mapCol = Math.max(19, ruleCount + 15) + 2;
  layout.reportColumns = mapCol - 2;
  const mapRefs = writeMap(layout, 6, mapCol, leads);
  const perLead = new PerLead(leads, CHECKLIST_SHEET);
  const mapEnd = 8 + leads.map.length;
  const counts = new StageCounts(layout, leads, perLead, mapEnd + 4, mapCol + 12, mapRefs, [6, mapCol + 7], 'keys');
  counts.writeUnplaced(mapEnd + 1, mapCol);
  intro(layout, leads, 'Lead review checklist', 'checklist');
  layout.frozenRows = 3;
  const progressedStage = Math.min(3, leads.stages.length);
  layout.put(3, 3, ['Progressed: reached stage no.', progressedStage, `${leads.stages[progressedStage - 1]} or further (change the number to move the line)`], 'tit');
  const columnRef = (field: Parameters<Ctx['col']>[0]) => leads.col(field);
  const [sourceCol, arrivedCol] = [columnRef('source'), columnRef('arrived')];
  const fieldValue = leads.val;

  // --- Lead-quality review: one row per source and period -----------------------------------
  layout.put(6, 1, ['Lead-quality review: comparable leads, progressed and not, side by side'], 't', SECTION);
  layout.put(7, 5, ['Progressed', '', '', '', '', '', 'Not progressed'], 't', HEAD);
  const sideTitles = ['Leads', 'Median first response (h)', 'Median contact attempts', 'Agreed a next step', 'Complete record', 'Outcome unknown'];
  layout.put(8, 1, ['Lead source', 'Period', 'From', 'To', ...sideTitles, ...sideTitles, 'Not progressed, outcome known', 'Note'], 't', HEAD);
  // Without a source column the leads of every source share one group per period: less alike
  // than one source, but a comparison instead of an empty table (the line under it says so).
  const { list: sourceGroups, of: groupOf } = leads.groups('source');
  const groups = sourceCol ? sourceGroups : sourceGroups.map((group) => ({ ...group, label: ALL_SOURCES, spellings: [] }));
  const sourceAt = leads.index('source');
  const periodOf = (i: number) => (leads.arrived[i] === leads.arrived[i] ? periodStart(leads.arrived[i], unit) : NaN);
  const pairByKey = new Map<string, { group: number; period: number; spellings: unknown[] }>();
  if (arrivedCol) leads.comboOf.forEach((combo, i) => {
    const period = periodOf(i);
    if (combo < 0 || groupOf[i] < 0 || period !== period) return;
    const key = `${groupOf[i]}\u0000${period}`;
    let pair = pairByKey.get(key);
    if (!pair) pairByKey.set(key, (pair = { group: groupOf[i], period, spellings: [] }));
    const spelling = sourceCol ? rows[i][sourceAt] : '';
    if (sourceCol && !pair.spellings.some((known) => cellKey(known) === cellKey(spelling))) pair.spellings.push(spelling);
  });
  const pairs = [...pairByKey.values()].sort((a, b) => a.group - b.group || a.period - b.period).slice(0, 40);
  // Each lead's pair (its source group and arrival period), or -1: a key of group and period looked up in a table of the pairs.
  const { pairSlice, pairTable } = reviewPairs(counts, perLead, leads, sourceCol ? groups : null, pairs, unit);
  layout.put(6, mapCol + 10, ['Review pair key', 'Pair no.'], 't', HEAD);
  pairTable.forEach(([key, pairAt], n) => layout.put(7 + n, mapCol + 10, [key, pairAt], 'ii'));
  // (Not a per-lead column in the file: the packed keys work it out once per lead, and the other kinds of count are yes/no digits beside it.)
  const inPair: PerLeadValue = { expr: pairSlice.expr.replace('PAIR_TABLE', perLead.sheet(block(7, mapCol + 10, 6 + Math.max(1, pairTable.length), mapCol + 11))), values: pairSlice.values };
  // One split per kind of count the table needs: the pair's leads, and those with a next step, a complete record, a known outcome, "Unknown".
  const notEmpty = (field: 'owner' | 'firstResponse' | 'attempts' | 'nextStep' | 'outcome') => ({
    expr: `(${perLead.cell(leads.index(field))}<>"")`,
    test: (i: number) => !isEmpty(fieldValue(rows[i], field)),
  });
  const recordFieldsMapped = (['owner', 'firstResponse', 'attempts'] as const).filter((field) => columnRef(field));
  const kinds: Record<string, { expr: string; test: (i: number) => boolean } | undefined> = {
    base: { expr: '1', test: () => true },
    next: columnRef('nextStep') ? notEmpty('nextStep') : undefined,
    complete: recordFieldsMapped.length
      ? { expr: recordFieldsMapped.map((field) => notEmpty(field).expr).join('*'), test: (i) => recordFieldsMapped.every((field) => notEmpty(field).test(i)) }
      : undefined,
    known: columnRef('outcome') ? notEmpty('outcome') : undefined,
    unknownWord: columnRef('outcome') ? { expr: `(${perLead.cell(leads.index('outcome'))}="unknown")`, test: (i) => { const value = fieldValue(rows[i], 'outcome'); return typeof value === 'string' && value.toLowerCase() === 'unknown'; } } : undefined,
  };
  const pairTitles = pairs.map((pair) => `${groups[pair.group].label} ${periodLabel(pair.period, unit)}`);
  const kindSplits: Record<string, Split> = {};
  for (const [kind, spec] of Object.entries(kinds)) {
    if (!spec) continue;
    const title = `Review: ${KIND_TITLES[kind]}`;
    if (spec.expr === '1') {
      kindSplits[kind] = counts.addSplit(title, pairTitles, counts.keysOf(inPair));
      continue;
    }
    const slice: PerLeadValue = { expr: `IF(${spec.expr},${inPair.expr},-1)`, values: Int32Array.from(inPair.values, (pairAt, i) => (spec.test(i) ? pairAt : -1)) };
    kindSplits[kind] = counts.addSplit(title, pairTitles, counts.keysWhere(kindSplits.base, spec.expr, spec.test, slice, counts.level, leads.stages.length + 1));
  }
  // Progressed: stage no. at or past the line in D3; not progressed: placed, but before it.
  const sideCount = (kind: string, pair: (typeof pairs)[number], progressed: boolean): Computed => {
    const split = kindSplits[kind];
    const pairAt = pairs.indexOf(pair);
    const first = pairAt * (leads.stages.length + 1);
    const { keys, leads: leadCounts } = counts.ranges(split);
    const formula = progressed
      ? `SUMIFS(${leadCounts},${keys},">="&(${first}+$D$3),${keys},"<="&${first + leads.stages.length})`
      : `SUMIFS(${leadCounts},${keys},">="&${first + 1},${keys},"<"&(${first}+$D$3))`;
    const count = progressed ? counts.reachedValue(split, pairAt, progressedStage) : counts.reachedValue(split, pairAt, 1) - counts.reachedValue(split, pairAt, progressedStage);
    return fx(formula, count);
  };
  // The medians have no count to add up: each is an array formula over the leads, which reads each
  // lead's stage no. through the same expression the counts use, so both put a lead on the same side.
  const level = counts.level.expr;
  const leadCell = (field: 'source' | 'arrived' | 'firstResponse' | 'attempts') => perLead.cell(leads.index(field));
  // The values behind each median, gathered in one pass over the leads: [pair][progressed? 0 : 1][field].
  const pairAtKey = new Map(pairs.map((pair, pairAt) => [`${pair.group}\u0000${pair.period}`, pairAt]));
  const medianFields = (['firstResponse', 'attempts'] as const).filter((field) => columnRef(field));
  const gathered = pairs.map(() => [0, 1].map(() => medianFields.map(() => [] as number[])));
  if (medianFields.length) leads.comboOf.forEach((combo, i) => {
    if (combo < 0 || groupOf[i] < 0) return;
    const pairAt = pairAtKey.get(`${groupOf[i]}\u0000${periodOf(i)}`);
    const level = leads.combos[combo].level;
    if (pairAt === undefined || level < 1) return;
    const side = level >= progressedStage ? 0 : 1;
    medianFields.forEach((field, fieldAt) => {
      const value = rows[i][leads.index(field)];
      if (typeof value === 'number') gathered[pairAt][side][fieldAt].push(value);
    });
  });
  pairs.forEach((pair, pairAt) => {
    const row = 9 + pairAt;
    const [sourceCell, fromCell, toCell] = [1, 3, 4].map((column) => ref(row, column, 2));
    const label = groups[pair.group].label;
    const cells: (string | number | boolean | Computed)[] = [asText(label), periodLabel(pair.period, unit), dateCell(pair.period), dateCell(nextPeriodStart(pair.period, unit) - DAY_MS)];
    [true, false].forEach((progressed) => {
      const leadCount = sideCount('base', pair, progressed);
      const leadCountValue = leadCount.v as number;
      const leadCountCell = ref(row, progressed ? 5 : 11);
      const medianOf = (field: 'firstResponse' | 'attempts'): Computed | string => {
        if (!columnRef(field)) return '-';
        const values = gathered[pairAt][progressed ? 0 : 1][medianFields.indexOf(field)];
        // A row with no lead has "" as stage no., which a comparison puts above every number.
        const side = progressed ? `ISNUMBER(${level})*(${level}>=$D$3)` : `ISNUMBER(${level})*(${level}>=1)*(${level}<$D$3)`;
        const [arrived, figure] = [leadCell('arrived'), leadCell(field)];
        const inGroup = !sourceCol ? '' : pair.spellings.length === 1 ? `(${leadCell('source')}=${sourceCell})*` : `ISNUMBER(MATCH(${leadCell('source')},{${pair.spellings.map((spelling) => (typeof spelling === 'string' ? lit(spelling) : String(spelling))).join(';')}},0))*`;
        const measured = `${side}*${inGroup}(${arrived}>=${fromCell})*(${arrived}<${toCell}+1)*ISNUMBER(${figure})`;
        return fx(`IFERROR(ARRAYFORMULA(MEDIAN(IF(${perLead.arrayExpr(measured)},${perLead.arrayExpr(figure)}))),"")`, median(values));
      };
      const shareOf = (kind: string): Computed | string => (kindSplits[kind] ? fx(`IFERROR((${sideCount(kind, pair, progressed).f.slice(1)})/${leadCountCell},"")`, ratio(sideCount(kind, pair, progressed).v as number, leadCountValue)) : '-');
      const unknown = kindSplits.known
        ? fx(`IFERROR((${leadCountCell}-(${sideCount('known', pair, progressed).f.slice(1)})+(${sideCount('unknownWord', pair, progressed).f.slice(1)}))/${leadCountCell},"")`,
          ratio(leadCountValue - (sideCount('known', pair, progressed).v as number) + (sideCount('unknownWord', pair, progressed).v as number), leadCountValue))
        : '-';
      cells.push(leadCount, medianOf('firstResponse'), medianOf('attempts'), shareOf('next'), shareOf('complete'), unknown);
    });
    const [progressedCell, notProgressedCell] = [ref(row, 5), ref(row, 11)];
    const [progressedCount, notProgressedCount] = [cells[4] as Computed, cells[10] as Computed].map((cell) => cell.v as number);
    const unknownShare = cells[15] as Computed | string;
    cells.push(kindSplits.known && typeof unknownShare !== 'string'
      ? fx(`IFERROR(${notProgressedCell}-ROUND(${ref(row, 16)}*${notProgressedCell},0),${notProgressedCell})`, unknownShare.v === '' ? notProgressedCount : notProgressedCount - Math.round((unknownShare.v as number) * notProgressedCount))
      : '',
    fx(`IF(${progressedCell}+${notProgressedCell}<${SMALL_GROUP},"Too few leads to judge (under ${SMALL_GROUP})","")`, progressedCount + notProgressedCount < SMALL_GROUP ? `Too few leads to judge (under ${SMALL_GROUP})` : ''));
    layout.put(row, 1, cells, 'ttddiyypppiyypppit');
  });
  // An empty table says why, in the words the net lead flow sheet uses for the same gap.
  if (!pairs.length) {
    layout.put(9, 1, [arrivedCol
      ? `No rows: the review compares leads that arrived in the same ${unit}, and no lead has an arrival date in "${leads.input.setup.columns.arrived}".`
      : 'No rows: the review compares leads that arrived in the same period, and no arrival date column is mapped. Map one in Extensions ▸ LeadFlow ▸ Open setup, then build this sheet again.'], 't');
  }
  let sectionRow = 10 + pairs.length;
  // Say which fields "complete" checked: with first response unmapped, 100% complete means only owners are filled.
  const recordFields = { owner: 'owner', firstResponse: 'first response', attempts: 'contact attempts' } as const;
  const unchecked = (Object.keys(recordFields) as (keyof typeof recordFields)[]).filter((field) => !columnRef(field)).map((field) => recordFields[field]);
  const completeMeans = unchecked.length ? `; ${unchecked.join(' and ')} ${unchecked.length > 1 ? 'are' : 'is'} not mapped, so not checked` : '';
  const sourcesMean = sourceCol || !pairs.length ? '' : `${ALL_SOURCES}: no lead source column is mapped, so each row holds the leads of every source that arrived in its period; map one in Open setup to compare one source at a time. `;
  layout.put(sectionRow, 1, [`${sourcesMean}Complete record: owner, first response and contact attempts all filled in${completeMeans}. A blank or "Unknown" outcome is counted as unknown, never as a poor lead. A group of fewer than ${SMALL_GROUP} leads is too small to judge.`], 't');

  // --- The review checklist ----------------------------------------------------------------
  layout.put(sectionRow + 2, 1, ['Before judging lead quality'], 't', SECTION);
  REVIEW_CHECKLIST.forEach((item, i) => layout.put(sectionRow + 3 + i, 1, [false, item], 'it'));
  layout.checkboxes.push([sectionRow + 3, 1, 6, 1]);
  sectionRow += 10;

  // --- Qualification checklist: one row per lead ---------------------------------------------
  layout.put(sectionRow, 1, ['Qualification checklist: one row per lead to review'], 't', SECTION);
  layout.put(sectionRow + 1, 1, [`A box is ticked where the data already meets the criterion: correct it as you review. Score, temperature and status follow the ticks, the points and the thresholds.${preset ? ` The setup has no rules yet, so these come from the "${preset}" preset.` : ''}`], 't');
  const scoring = setup.scoring;
  const thresholdRow = sectionRow + 2;
  layout.put(thresholdRow, 1, ['Fit cap', scoring.caps.fit, 'Intent cap', scoring.caps.intent, 'MQL: fit ≥', scoring.mql.fit, 'and intent ≥', scoring.mql.intent,
    'SQL: fit ≥', scoring.sql.fit, 'and intent ≥', scoring.sql.intent, 'Warm from', scoring.temperature.warm, 'Hot from', scoring.temperature.hot], 'i', HEAD);
  const threshold = (index: number) => ref(thresholdRow, 2 + 2 * index, 1);
  layout.put(thresholdRow + 1, 6, ['Points', ...rules.map((rule) => rule.points)], 'ti');
  layout.put(thresholdRow + 2, 6, ['Group', ...rules.map((rule) => (rule.group === 'fit' ? 'Fit' : 'Intent'))], 't');
  layout.put(thresholdRow + 3, 1, ['Lead', 'Row', 'Source', 'Owner', 'Arrived', 'Status', ...rules.map(describeRule),
    'Fit evidence', 'Intent evidence', 'Handling evidence', 'Outcome evidence', 'Fit', 'Intent', 'Score', 'Temperature', 'Qualification'], 't', HEAD);

  const { scorer } = compileScorer(setup, headers, leads.input.dates.clock, now);
  const firstLeadRow = thresholdRow + 4;
  const since = now - (request.days || 30) * DAY_MS;
  // Unreviewed: still at the first stage and in the pipeline, or held back by a status nothing places.
  const picked: number[] = [];
  leads.comboOf.forEach((comboAt, i) => {
    const combo = comboAt < 0 ? undefined : leads.combos[comboAt];
    if (combo && (request.leads === 'recent' ? leads.arrived[i] >= since : request.leads === 'all' || combo.level === 0 || (combo.level === 1 && combo.open))) picked.push(i);
  });
  // Newest first: a typed array of arrivals sorts a million leads quickly.
  const order = Float64Array.from(picked, (i) => -(leads.arrived[i] || 0));
  const byArrival = Uint32Array.from(picked.keys()).sort((a, b) => order[a] - order[b] || a - b);
  const shown = Array.from(byArrival.subarray(0, Math.min(byArrival.length, MAX_CHECKLIST_ROWS)), (pickedAt) => picked[pickedAt]);
  if (picked.length > MAX_CHECKLIST_ROWS) layout.notes.push(`Listing the ${MAX_CHECKLIST_ROWS} newest of ${picked.length} leads.`);
  const [pointsRange, groupsRange] = [thresholdRow + 1, thresholdRow + 2].map((row) => block(row, 7, row, 6 + ruleCount));
  shown.forEach((i, n) => {
    const lead = rows[i];
    const row = firstLeadRow + n;
    const score = scorer.score(lead);
    const fired = score.fired;
    const outcome = String(fieldValue(lead, 'outcome')).trim();
    const [firstResponse, attempts, nextStep] = [fieldValue(lead, 'firstResponse'), fieldValue(lead, 'attempts'), fieldValue(lead, 'nextStep')];
    const handling = [isBlank(firstResponse) ? '' : `first reply after ${firstResponse} h`, isBlank(attempts) ? '' : `${attempts} contact attempts`,
      leads.index('nextStep') < 0 ? '' : isBlank(nextStep) ? 'no next step agreed' : `next step: ${nextStep}`].filter(Boolean).join('; ');
    const groupPoints = (group: string) => (ruleCount ? `SUMPRODUCT((${groupsRange}=${lit(group)})*${pointsRange}*${ref(row, 7)}:${ref(row, 6 + ruleCount)})` : '0');
    const [fitCell, intentCell, totalCell] = [11, 12, 13].map((offset) => ref(row, offset + ruleCount));
    layout.put(row, 1, [
      asText(lead[0]), leads.input.setup.leads.headerRow + 1 + i, asText(fieldValue(lead, 'source')), asText(fieldValue(lead, 'owner')),
      leads.arrived[i] === leads.arrived[i] ? wallToSerial(leads.arrived[i]) : '', asText(fieldValue(lead, 'status')),
      ...rules.map((_, ruleAt) => fired.includes(ruleAt)),
      '', '', asText(handling), !outcome || /^unknown$/i.test(outcome) ? 'Unknown' : asText(outcome),
      fx(`MAX(0,MIN(${threshold(0)},${groupPoints('Fit')}))`, score.fit), fx(`MAX(0,MIN(${threshold(1)},${groupPoints('Intent')}))`, score.intent), fx(`${fitCell}+${intentCell}`, score.total),
      fx(`IF(${totalCell}>=${threshold(7)},"Hot",IF(${totalCell}>=${threshold(6)},"Warm","Cold"))`, scorer.temperature(score)),
      fx(`IF(AND(${fitCell}>=${threshold(4)},${intentCell}>=${threshold(5)}),"SQL",IF(AND(${fitCell}>=${threshold(2)},${intentCell}>=${threshold(3)}),"MQL","Unqualified"))`, scorer.qualification(score)),
    ], `tittst${'i'.repeat(ruleCount)}ttttiiit`);
  });
  if (ruleCount && shown.length) layout.checkboxes.push([firstLeadRow, 7, shown.length, ruleCount]);
  if (!shown.length) layout.put(firstLeadRow, 1, ['No lead matches this choice.'], 't');
  layout.xlsx = counts.write();
  return layout.plan('checklist', CHECKLIST_SHEET);
}

