/**
 * The report's figures as SQL over the `leads` expression of model.ts: the funnel (reached per
 * stage, step and overall conversion, drop-off, pipeline value actual or estimated), the funnel by
 * lead source and by owner, conversion by arrival month, net lead flow per period (cohort- or
 * flow-based, with leads gone quiet), net lead flow by source, the median days between stages,
 * and the statuses no stage matches. Each follows the function of src/core it stands for:
 * funnel() and funnelByGroup() in funnel.ts, netLeadFlowByPeriod() in flow.ts, medianDaysBetween()
 * in timing.ts.
 */
import { BLANK_GROUP, FEW_LEADS, LARGE_DEAL, VALUE_BASIS } from '../funnel';
import { INACTIVE } from '../flow';
import { DAY_MS } from '../time';
import { Dialect, PeriodUnit } from './dialects';
import { Cte, LeadsModel } from './model';
import { snakeCase } from './names';

export type QueryName = 'leads_counted' | 'funnel' | 'by_source' | 'by_owner' | 'by_arrival_month' | 'net_lead_flow' | 'flow_by_source' | 'days_between_stages' | 'not_counted';

export interface SqlQuery {
  name: QueryName;
  title: string;
  /** What the result holds, for the comment above the query. */
  comment: string;
  ctes: Cte[];
  select: string;
}

export interface QueryOptions {
  /**
   * The funnel's cohort: leads that arrived from `start` to `end` (wall ms, whole days, end counted
   * whole); `live`: from the first of January to today, when the query runs (year to date).
   */
  cohort?: { start?: number; end?: number; label?: string; live?: boolean };
  /** Net lead flow's period (default month). */
  unit?: PeriodUnit;
  /** Count removals in the period they happened (default: when a removal-date column is mapped). */
  flowBased?: boolean;
}

/** A column name from words: "Sales Qualified" → sales_qualified (letters, digits and underscores, as BigQuery wants). */
export function columnName(prefix: string, words: string, taken: Set<string>): string {
  const base = `${prefix}${snakeCase(words).replace(/^_/, '')}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

export function queriesFor(d: Dialect, m: LeadsModel, o: QueryOptions = {}): SqlQuery[] {
  const stages = m.pipeline.stageNames;
  const S = stages.length;
  const unit = o.unit ?? 'month';
  const flowBased = o.flowBased ?? m.has.removedAt;
  const taken = new Set<string>();
  const reachedCols = stages.map((s) => columnName('reached_', s, taken));
  const reasonCols = m.removalReasons.map((r) => columnName('removed_', r, taken));
  const inCohort: string[] = [];
  if (o.cohort?.live) {
    const today = d.today(m.timeZone);
    inCohort.push(`arrived >= ${d.asWall(d.periodStart('year', today))}`, `arrived < ${d.plusDays(d.asWall(today), 1)}`);
  } else {
    if (o.cohort?.start !== undefined) inCohort.push(`arrived >= ${d.wallLiteral(o.cohort.start)}`);
    if (o.cohort?.end !== undefined) inCohort.push(`arrived < ${d.wallLiteral(o.cohort.end + DAY_MS)}`);
  }
  const cohortLabel = o.cohort?.label ?? (inCohort.length ? 'the cohort' : 'all leads');
  const cohort: Cte = {
    name: 'cohort',
    comment: `The funnel's cohort: ${inCohort.length ? `${cohortLabel}, by arrival date` : 'every lead with a stage'}.`,
    sql: `SELECT * FROM leads WHERE stage >= 0${inCohort.map((c) => ` AND ${c}`).join('')}`,
  };
  const out: SqlQuery[] = [];

  out.push({
    name: 'leads_counted', title: 'Leads counted',
    comment: 'Rows read, leads placed in the pipeline, and leads held back by a status no stage or exit matches.',
    ctes: [],
    select: `SELECT COUNT(*) AS table_rows, ${d.countIf('stage >= 0')} AS leads_placed, ${d.countIf('held_back')} AS leads_not_counted FROM leads`,
  });

  // The funnel: furthest stages counted once, then summed from the last stage back (a lead reached every stage up to its furthest).
  const stageRows = stages.map((name, k) => [k, name]);
  const value = m.has.value;
  const average = 'average_value';
  const funnelCtes: Cte[] = [
    cohort,
    { name: 'stages', comment: 'The stages in order (0 is the first).', sql: `SELECT k, name FROM ${d.rows([{ name: 'k', type: 'int' }, { name: 'name', type: 'text' }], stageRows)}` },
    {
      name: 'furthest', comment: 'Leads per furthest stage' + (value ? ', with their deal values.' : '.'),
      sql: `SELECT stage, COUNT(*) AS leads${value ? ', COUNT(deal_value) AS valued, SUM(deal_value) AS value_sum' : ''} FROM cohort GROUP BY stage`,
    },
    {
      name: 'reached', comment: 'Leads that reached each stage: every lead whose furthest stage is that one or later.',
      sql: `SELECT s.k, s.name, COALESCE(SUM(f.leads), 0) AS reached${value ? ', COALESCE(SUM(f.valued), 0) AS valued, COALESCE(SUM(f.value_sum), 0) AS value_sum' : ''}\n  FROM stages AS s LEFT JOIN furthest AS f ON f.stage >= s.k\n  GROUP BY s.k, s.name`,
    },
  ];
  if (value) funnelCtes.push({ name: 'average_deal', comment: 'The average known deal value of the cohort, for stages where some values are missing.', sql: `SELECT ${d.divide('SUM(value_sum)', 'SUM(valued)')} AS ${average} FROM furthest` });
  const previous = 'LAG(reached) OVER (ORDER BY k)';
  const estimate = `reached * (SELECT ${average} FROM average_deal)`;
  out.push({
    name: 'funnel', title: `Funnel: ${cohortLabel}`,
    comment: 'Per stage: leads that reached it, step conversion (from the stage before), overall conversion (from the first stage), drop-off' +
      (value ? ', and pipeline value: the actual sum when every lead of the stage has a deal value, else leads × the average deal (an estimate).' : '.'),
    ctes: funnelCtes,
    select: `SELECT\n    k + 1 AS stage_no,\n    name AS stage,\n    reached,\n` +
      `    CASE WHEN k = 0 THEN ${d.divide('reached', 'reached')} ELSE ${d.divide('reached', previous)} END AS step_conversion,\n` +
      `    ${d.divide('reached', 'FIRST_VALUE(reached) OVER (ORDER BY k)')} AS overall_conversion,\n` +
      `    COALESCE(${previous} - reached, 0) AS drop_off` +
      (value
        ? `,\n    valued AS leads_with_value,\n    value_sum AS known_value,\n    CASE WHEN valued = reached THEN value_sum ELSE ${estimate} END AS pipeline_value,\n` +
          `    CASE WHEN valued = reached THEN ${d.text(VALUE_BASIS.actual)} WHEN (SELECT ${average} FROM average_deal) IS NULL THEN NULL` +
          ` WHEN reached > 0 AND reached < ${FEW_LEADS} AND ${estimate} / reached > ${LARGE_DEAL} THEN ${d.text(VALUE_BASIS.fewLargeDeals)} ELSE ${d.text(VALUE_BASIS.estimate)} END AS value_basis`
        : '') +
      '\n  FROM reached\n  ORDER BY k',
  });

  // By source and by owner: one funnel per group, case and spacing variants as one group named by its most common spelling.
  const groupQuery = (name: 'by_source' | 'by_owner', column: 'lead_source' | 'lead_owner', noun: string): SqlQuery => ({
    name, title: `Funnel by ${noun}`,
    comment: `One funnel per ${noun}, largest first: cells that differ only by case or spacing are one ${noun}, named by its most common spelling; blank cells are ${BLANK_GROUP}.`,
    ctes: [cohort, ...groupCtes(d, 'cohort', column)],
    select: `SELECT\n    CASE WHEN g.group_key = '' THEN ${d.text(BLANK_GROUP)} ELSE n.name END AS ${column},\n` +
      stages.map((_, k) => `    ${d.countIf(`g.stage >= ${k}`)} AS ${reachedCols[k]},\n`).join('') +
      `    ${d.divide(d.countIf(`g.stage >= ${S - 1}`), 'COUNT(*)')} AS overall_conversion\n` +
      `  FROM grouped AS g JOIN group_names AS n ON n.group_key = g.group_key\n  GROUP BY g.group_key, n.name\n  ORDER BY ${reachedCols[0]} DESC, g.group_key = '', ${column}`,
  });
  if (m.has.source) out.push(groupQuery('by_source', 'lead_source', 'lead source'));
  if (m.has.owner) out.push(groupQuery('by_owner', 'lead_owner', 'owner'));

  if (m.has.arrived) {
    out.push({
      name: 'by_arrival_month', title: 'Conversion by arrival month',
      comment: 'The leads that arrived each month (every month from the first to the last, empty ones too) and the share of them that reached each later stage.',
      ctes: [
        cohort,
        { name: 'dated', comment: 'Each lead of the cohort with its arrival month.', sql: `SELECT ${d.periodStart('month', 'arrived')} AS period, stage FROM cohort WHERE arrived IS NOT NULL` },
        { name: 'bounds', comment: 'The first and last arrival month.', sql: 'SELECT MIN(period) AS lo, MAX(period) AS hi FROM dated' },
        { name: 'months', comment: 'Every month between them.', sql: d.periods('month', 'bounds') },
      ],
      select: `SELECT\n    m.period AS arrival_month,\n    COUNT(a.stage) AS leads` +
        stages.slice(1).map((_, k) => `,\n    ${d.divide(d.countIf(`a.stage >= ${k + 1}`), 'COUNT(a.stage)')} AS ${reachedCols[k + 1]}`).join('') +
        '\n  FROM months AS m LEFT JOIN dated AS a ON a.period = m.period\n  GROUP BY m.period\n  ORDER BY m.period',
    });

    // Net lead flow: arrivals minus removals per period, every period from the first to the last, and the running total.
    const flowLeads: Cte = {
      name: 'flow_leads',
      comment: flowBased
        ? 'Leads with an arrival date; each removal counts in the period it happened (flow-based).'
        : 'Leads with an arrival date; each removal counts in the period the lead arrived (cohort-based: no removal dates).',
      sql: `SELECT arrived, removed_as, ${flowBased ? 'removed_when' : 'arrived'} AS counted_at${m.has.source ? ', lead_source' : ''} FROM leads WHERE stage >= 0 AND arrived IS NOT NULL`,
    };
    const reasonCounts = m.removalReasons.map((r, j) => `${d.countIf(`removed_as = ${d.text(r)}`)} AS ${reasonCols[j]}`);
    out.push({
      name: 'net_lead_flow', title: `Net lead flow per ${unit}`,
      comment: `Per ${unit}: new leads, the leads removed (by exit${m.removalReasons.includes(INACTIVE) ? ', and gone quiet' : ''}), net (new minus removed) and the running total.`,
      ctes: [
        flowLeads,
        { name: 'added', comment: `New leads per ${unit}.`, sql: `SELECT ${d.periodStart(unit, 'arrived')} AS period, COUNT(*) AS new_leads FROM flow_leads GROUP BY 1` },
        {
          name: 'removed', comment: `Removed leads per ${unit}, by reason.`,
          sql: `SELECT ${d.periodStart(unit, 'counted_at')} AS period, ${[...reasonCounts, 'COUNT(*) AS removed'].join(', ')} FROM flow_leads WHERE removed_as IS NOT NULL GROUP BY 1`,
        },
        { name: 'bounds', comment: `The first and last ${unit} with a lead arriving or leaving.`, sql: 'SELECT MIN(period) AS lo, MAX(period) AS hi FROM (SELECT period FROM added UNION ALL SELECT period FROM removed) AS p' },
        { name: 'periods', comment: `Every ${unit} between them, empty ones too, so a chart of the trend has no gaps.`, sql: d.periods(unit, 'bounds') },
      ],
      select: `SELECT\n    p.period,\n    COALESCE(a.new_leads, 0) AS new_leads,\n` +
        reasonCols.map((c) => `    COALESCE(r.${c}, 0) AS ${c},\n`).join('') +
        '    COALESCE(r.removed, 0) AS removed,\n    COALESCE(a.new_leads, 0) - COALESCE(r.removed, 0) AS net,\n' +
        '    SUM(COALESCE(a.new_leads, 0) - COALESCE(r.removed, 0)) OVER (ORDER BY p.period) AS running_total\n' +
        '  FROM periods AS p\n  LEFT JOIN added AS a ON a.period = p.period\n  LEFT JOIN removed AS r ON r.period = p.period\n  ORDER BY p.period',
    });
    if (m.has.source) {
      out.push({
        name: 'flow_by_source', title: 'Net lead flow by lead source',
        comment: 'Per lead source, over all periods: new leads, the leads removed by reason, net, and the share kept (net ÷ new).',
        ctes: [flowLeads, ...groupCtes(d, 'flow_leads', 'lead_source', 'removed_as')],
        select: `SELECT\n    CASE WHEN g.group_key = '' THEN ${d.text(BLANK_GROUP)} ELSE n.name END AS lead_source,\n    COUNT(*) AS new_leads,\n` +
          m.removalReasons.map((r, j) => `    ${d.countIf(`g.removed_as = ${d.text(r)}`)} AS ${reasonCols[j]},\n`).join('') +
          `    ${d.countIf('g.removed_as IS NOT NULL')} AS removed,\n    COUNT(*) - ${d.countIf('g.removed_as IS NOT NULL')} AS net,\n` +
          `    ${d.divide(`COUNT(*) - ${d.countIf('g.removed_as IS NOT NULL')}`, 'COUNT(*)')} AS kept_share\n` +
          `  FROM grouped AS g JOIN group_names AS n ON n.group_key = g.group_key\n  GROUP BY g.group_key, n.name\n  ORDER BY new_leads DESC, g.group_key = '', lead_source`,
      });
    }
  }

  // Median days from each stage to the next, where both have a date (the arrival stands for the first stage).
  const dateOf = (k: number) => m.stageDates.find((s) => s.stage === k)?.column ?? (k === 0 && m.has.arrived ? 'arrived' : undefined);
  const pairs = stages.map((_, k) => k).filter((k) => k > 0 && dateOf(k - 1) && dateOf(k));
  if (m.stageDates.length && pairs.length) {
    out.push({
      name: 'days_between_stages', title: 'Median days from the previous stage',
      comment: 'Per stage, the median days its leads took from the stage before, over the leads of the cohort with both dates.',
      ctes: [{
        name: 'gaps', comment: 'Days between the two stage dates of each lead that has both.',
        sql: pairs.map((k) => `SELECT ${k + 1} AS stage_no, ${d.daysBetween(dateOf(k - 1)!, dateOf(k)!)} AS days FROM leads WHERE ${dateOf(k - 1)} IS NOT NULL AND ${dateOf(k)} IS NOT NULL${inCohort.map((c) => ` AND ${c}`).join('')}`).join('\n  UNION ALL\n  '),
      }],
      select: `${d.medianBy('gaps', 'stage_no', 'days')}\n  ORDER BY stage_no`,
    });
  }

  if (m.has.status) {
    out.push({
      name: 'not_counted', title: 'Statuses no stage matches',
      comment: 'Leads held back because their status matches no stage, exit or alias: add each spelling as an alias in the setup.',
      ctes: [],
      select: `SELECT ${d.trim('status')} AS status, COUNT(*) AS leads FROM leads WHERE held_back GROUP BY 1 ORDER BY leads DESC, status`,
    });
  }
  return out;
}

/** A group's key and spelling per lead, and each group's name (its most common spelling; ties by text). */
function groupCtes(d: Dialect, from: string, column: string, ...keep: string[]): Cte[] {
  return [
    {
      name: 'grouped', comment: 'Each lead with its group: the cell lower-cased, spaces collapsed.',
      sql: `SELECT ${d.groupKey(column)} AS group_key, ${d.spelling(column)} AS spelling${from === 'cohort' ? ', stage' : ''}${keep.map((k) => `, ${k}`).join('')} FROM ${from}`,
    },
    {
      name: 'group_names', comment: 'Each group named by its most common spelling.',
      sql: 'SELECT group_key, spelling AS name FROM (\n    SELECT group_key, spelling, ROW_NUMBER() OVER (PARTITION BY group_key ORDER BY leads DESC, spelling) AS place\n' +
        '    FROM (SELECT group_key, spelling, COUNT(*) AS leads FROM grouped GROUP BY group_key, spelling) AS s\n  ) AS ranked WHERE place = 1',
    },
  ];
}
