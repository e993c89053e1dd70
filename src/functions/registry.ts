/**
 * The registry of LeadFlow's custom functions: the single source of their names, parameters and
 * descriptions. The build generates each top-level Apps Script function and its JSDoc (what Sheets
 * shows in autocomplete) from this table, and the README's function reference too.
 */
import { LeadFlowError, clip } from '../core/errors';
import { DateReader } from '../core/values';
import { timeZoneClock } from '../core/time';
import { Env, ParamSpec, checkArgs } from './args';
import * as formulas from './formulas';
import { MAX_SPILL_CELLS } from './formulas';
import * as scoring from './scoring';

export interface CustomFunctionSpec {
  name: string;
  /** One or two sentences for autocomplete. */
  description: string;
  params: ParamSpec[];
  /** What comes back: a number, or the table that spills. */
  returns: string;
  /** A worked example for the docs. */
  example: { formula: string; result: string };
  run: (args: unknown[], env: Env) => unknown;
}

const STAGES: ParamSpec = {
  name: 'stages',
  kind: 'stages',
  optional: true,
  sample: '"Arrived, Reviewed, Qualified"',
  description:
    'Optional. Your pipeline: the LeadFlow setup range (LeadFlowSetup), a range listing the stages in order (aliases in column 2; for an exit, the stage it leaves after in column 3), or text such as "Arrived, Reviewed (Contacted), Qualified; Disqualified after Reviewed". Default: Arrived, Reviewed, Qualified, Converted to Opportunity, Closed-Won.',
};

const LEADS: ParamSpec = {
  name: 'statuses_or_stage_dates',
  kind: 'range',
  sample: 'G2:G',
  description: 'One column of lead statuses; or one date column per stage in stage order (the furthest stage with a date counts); or, with LeadFlowSetup as stages, the whole leads table from its header row (e.g. A1:Q), read through the setup: status, won/lost, stage dates and stage flags all count.',
};

const ARRIVED: ParamSpec = {
  name: 'arrived_dates',
  kind: 'column',
  optional: true,
  sample: 'F2:F',
  description: 'Optional. The date each lead arrived, the same height as the leads; needed to pick a cohort by start and end.',
};

const START: ParamSpec = { name: 'start', kind: 'value', optional: true, sample: 'DATE(2026,1,1)', description: 'Optional. First arrival date of the cohort.' };
const END: ParamSpec = { name: 'end', kind: 'value', optional: true, sample: 'DATE(2026,3,31)', description: 'Optional. Last arrival date of the cohort; the whole day counts.' };

const LEADS_WITH_HEADERS: ParamSpec = {
  name: 'leads_with_headers',
  kind: 'range',
  sample: 'A1:M',
  description: 'The leads range starting with its header row (e.g. A1:M); the setup\'s rules find their columns by header name.',
};

const SETUP: ParamSpec = {
  name: 'setup',
  kind: 'stages',
  sample: 'LeadFlowSetup',
  description: 'The LeadFlow setup range (named LeadFlowSetup), which holds the qualification rules, caps and thresholds.',
};

export const REGISTRY: CustomFunctionSpec[] = [
  {
    name: 'NETLEADFLOW',
    description:
      'Net lead flow: new leads in a period minus those disqualified, lost or gone inactive. Give "week", "month", "quarter" or "year" as start to get a table by period.',
    params: [
      { name: 'arrived_dates', kind: 'column', sample: 'F2:F', description: 'The date each lead arrived.' },
      { name: 'statuses', kind: 'column', sample: 'G2:G', description: 'Each lead\'s current status; statuses of a removing exit (Disqualified, Closed-Lost and their aliases) count as removed.' },
      { name: 'start', kind: 'value', optional: true, sample: 'DATE(2026,3,1)', description: 'Optional. First day of the period, or "week", "month", "quarter" or "year" for a table of every period.' },
      { name: 'end', kind: 'value', optional: true, sample: 'DATE(2026,3,31)', description: 'Optional. Last day of the period; the whole day counts.' },
      { name: 'removed_dates', kind: 'column', optional: true, sample: 'N2:N', description: 'Optional. When each removed lead was removed. With it, removals count in the period they happened, whenever the lead arrived.' },
      { name: 'last_activity_dates', kind: 'column', optional: true, sample: 'I2:I', description: 'Optional. Each lead\'s last activity; an open lead quiet for inactive_days counts as removed.' },
      { name: 'inactive_days', kind: 'value', optional: true, sample: '90', description: `Optional. Days without activity after which an open lead is inactive. Default: the setup's, else ${formulas.DEFAULT_INACTIVE_DAYS}.` },
      STAGES,
    ],
    returns: 'A number (new − removed), or a table Period | New | Removed | Net.',
    example: { formula: '=NETLEADFLOW(F2:F, G2:G, DATE(2026,3,1), DATE(2026,3,31))', result: '350 when 500 leads arrived in March and 150 of them are Disqualified.' },
    run: formulas.NETLEADFLOW,
  },
  {
    name: 'FUNNELSTAGE',
    description: 'The furthest pipeline stage each lead reached, one row per lead. A lead that exited counts as the stage it left from (Disqualified → Reviewed).',
    params: [LEADS, STAGES],
    returns: 'One stage name per input row; blank rows stay blank.',
    example: { formula: '=FUNNELSTAGE(G2:G)', result: '"Closed-Lost" → Converted to Opportunity, "Closed Won" → Closed-Won, "Nurturing" → Qualified.' },
    run: formulas.FUNNELSTAGE,
  },
  {
    name: 'FUNNEL',
    description: 'The funnel of a cohort of leads: how many reached each stage, step and overall conversion, drop-off, and optionally pipeline value.',
    params: [
      LEADS, STAGES, ARRIVED, START, END,
      { name: 'deal_values', kind: 'column-or-number', optional: true, sample: 'H2:H', description: 'Optional. Each lead\'s deal value (summed per stage), or one average deal value (count × average, marked as an estimate).' },
    ],
    returns: 'A table with a header: Stage | Reached | Step conversion | Overall conversion | Drop-off [| Pipeline value].',
    example: { formula: '=FUNNEL(G2:G, , F2:F, DATE(2026,1,1), DATE(2026,3,31))', result: 'The Q1 2026 funnel, one row per stage.' },
    run: formulas.FUNNEL,
  },
  {
    name: 'FUNNELBY',
    description: 'One funnel per group (lead source, owner, campaign...): leads reaching each stage, and overall conversion, one row per group.',
    params: [
      LEADS,
      { name: 'group_by', kind: 'column', sample: 'D2:D', description: 'The column to group by, such as the lead source; the same height as the leads.' },
      STAGES, ARRIVED, START, END,
    ],
    returns: 'A table: Group | one column per stage | Overall conversion, with All leads first, then the groups, largest first.',
    example: { formula: '=FUNNELBY(G2:G, D2:D)', result: 'A funnel per lead source, to compare channels.' },
    run: formulas.FUNNELBY,
  },
  {
    name: 'FUNNELCONVERSION',
    description: 'Conversion between two stages: of the leads that reached from_stage, the share that reached to_stage.',
    params: [
      LEADS,
      { name: 'from_stage', kind: 'value', sample: '"Reviewed"', description: 'The stage to measure from (a stage name or alias).' },
      { name: 'to_stage', kind: 'value', sample: '"Closed-Won"', description: 'The later stage to measure to.' },
      STAGES, ARRIVED, START, END,
    ],
    returns: 'A number between 0 and 1.',
    example: { formula: '=FUNNELCONVERSION(G2:G, "Qualified", "Closed-Won")', result: 'The share of qualified leads that were won.' },
    run: formulas.FUNNELCONVERSION,
  },
  {
    name: 'FUNNELVALUE',
    description: 'Pipeline value per stage: the sum of deal values of the leads that reached it, or leads × average deal value as an estimate.',
    params: [
      LEADS,
      { name: 'deal_values', kind: 'column-or-number', sample: 'H2:H', description: 'Each lead\'s deal value, or one average deal value for an estimate.' },
      { name: 'stage', kind: 'value', optional: true, sample: '"Converted to Opportunity"', description: 'Optional. One stage, to get its value as a number; without it, a table of every stage.' },
      STAGES,
    ],
    returns: 'A number for one stage, or a table Stage | Reached | Pipeline value | Basis.',
    example: { formula: '=FUNNELVALUE(G2:G, H2:H, "Converted to Opportunity")', result: 'The value of every deal that became an opportunity.' },
    run: formulas.FUNNELVALUE,
  },
  {
    name: 'FUNNELDAYS',
    description: 'Median days between stages, from one date column per stage.',
    params: [
      { name: 'stage_dates', kind: 'range', sample: 'F2:J', description: 'One date column per stage, in stage order (blank where a lead never reached the stage).' },
      { name: 'from_stage', kind: 'value', optional: true, sample: '"Arrived"', description: 'Optional. The earlier stage; with to_stage, returns one number.' },
      { name: 'to_stage', kind: 'value', optional: true, sample: '"Qualified"', description: 'Optional. The later stage.' },
      STAGES,
    ],
    returns: 'A number of days, or a table From | To | Median days | Leads measured for each step.',
    example: { formula: '=FUNNELDAYS(F2:J, "Arrived", "Closed-Won")', result: 'The median days from arrival to a won deal.' },
    run: formulas.FUNNELDAYS,
  },
  {
    name: 'LEADSCORE',
    description: 'Each lead\'s score from the setup\'s qualification rules: fit plus intent, each capped. One formula scores the whole column.',
    params: [
      LEADS_WITH_HEADERS, SETUP,
      { name: 'part', kind: 'value', optional: true, sample: '"fit"', description: 'Optional. "total" (default), "fit" or "intent".' },
    ],
    returns: 'A column: the header "Lead score", then one score per lead row (blank rows stay blank).',
    example: { formula: '=LEADSCORE(A1:M, LeadFlowSetup)', result: 'A score per lead, e.g. 70 for a lead with fit 40 and intent 30.' },
    run: scoring.LEADSCORE,
  },
  {
    name: 'LEADTEMPERATURE',
    description: 'Cold, Warm or Hot per lead, from its total score and the setup\'s temperature bands.',
    params: [LEADS_WITH_HEADERS, SETUP],
    returns: 'A column: the header "Temperature", then Cold, Warm or Hot per lead.',
    example: { formula: '=LEADTEMPERATURE(A1:M, LeadFlowSetup)', result: 'Hot for leads at or above the setup\'s hot threshold.' },
    run: scoring.LEADTEMPERATURE,
  },
  {
    name: 'LEADQUALIFICATION',
    description: 'Unqualified, MQL or SQL per lead, from its fit and intent scores and the setup\'s thresholds; optionally with the rules that matched.',
    params: [
      LEADS_WITH_HEADERS, SETUP,
      { name: 'show_rules', kind: 'value', optional: true, sample: 'TRUE', description: 'Optional. TRUE adds a second column listing the rules that matched each lead.' },
    ],
    returns: 'A column (or two with show_rules): the header, then Unqualified, MQL or SQL per lead.',
    example: { formula: '=LEADQUALIFICATION(A1:M, LeadFlowSetup, TRUE)', result: 'SQL | Target industry; Agreed a next step' },
    run: scoring.LEADQUALIFICATION,
  },
];

export function makeEnv(timeZone: string, nowInstant: number): Env {
  const clock = timeZoneClock(timeZone);
  return { timeZone, clock, dates: new DateReader(clock), now: clock.toWall(nowInstant) };
}

export { MAX_SPILL_CELLS };

/**
 * Runs one registry function: argument checks from its declaration, then the formula itself.
 * Whatever goes wrong reaches the cell as a LeadFlowError naming the function: never a stack
 * trace, an internal name, or a result larger than a spreadsheet holds.
 */
export function callCustomFunction(name: string, args: unknown[], env: Env): unknown {
  const spec = REGISTRY.find((s) => s.name === name);
  if (!spec) throw new LeadFlowError(`LeadFlow has no function ${clip(name)}; check its name.`);
  // Sheets passes every declared parameter; trailing omitted ones arrive as undefined.
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const used = args.slice(0, n);
  let out: unknown;
  try {
    checkArgs(name, spec.params, used);
    out = spec.run(used, env);
  } catch (e) {
    if (e instanceof LeadFlowError) throw e;
    throw new LeadFlowError(`${name}: could not compute a result from these arguments; check each against the help shown as you type, and if they look right, please report this formula.`);
  }
  if (Array.isArray(out)) {
    const cells = out.length * (Array.isArray(out[0]) ? out[0].length : 1);
    if (cells > MAX_SPILL_CELLS) {
      throw new LeadFlowError(`${name}: the result would fill ${cells.toLocaleString('en-US')} cells, more than a spreadsheet holds; give it fewer rows.`);
    }
  }
  return out;
}

/** The registry without its code: what the build and the docs read. */
export function registryMetadata() {
  return REGISTRY.map(({ run: _run, ...meta }) => meta);
}
