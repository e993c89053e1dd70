/**
 * The sheets LeadFlow builds, planned from plain data (no Apps Script globals). The server reads
 * the setup and the leads (leadflowBuildData), the build dialog plans the sheet here, and the
 * server writes the plan (leadflowBuild): the formula templates stay out of the Apps Script bundle.
 */
import { proposeSetup } from '../detect';
import { LeadFlowError } from '../errors';
import { Setup } from '../setup';
import { timeZoneClock } from '../time';
import { DateReader } from '../values';
import { ChecklistRequest, planChecklist } from './checklist';
import { FlowRequest, planFlow } from './flow';
import { FunnelRequest, planFunnel } from './funnel';
import { Kind, Plan } from './grid';
import { makeCtx } from './leads';

export * from './grid';
export * from './leads';
export { NO_VALUE_NOTE, planFunnel, resolveCohort } from './funnel';
export type { CohortKind, FunnelRequest } from './funnel';
export { NO_LAST_ACTIVITY_NOTE, planFlow } from './flow';
export type { FlowRequest } from './flow';
export { ALL_SOURCES, planChecklist, scoringFor, SMALL_GROUP, MAX_CHECKLIST_ROWS } from './checklist';
export type { ChecklistRequest } from './checklist';
export { REVIEW_CHECKLIST, UNCONFIRMED_NOTE } from './text';

/** What the server reads for a build: the setup (saved or proposed) and the leads' columns a build uses. */
export interface BuildData {
  setup: Setup;
  /** Whether the setup was saved (false: LeadFlow's proposal, which nobody confirmed). */
  saved: boolean;
  /** With saved false: true when `setup` already is the proposal; otherwise planBuild proposes one from the rows. */
  proposed?: boolean;
  headers: string[];
  /** The rows below the header row; dates as serial numbers in the spreadsheet's time zone. */
  rows: (string | number | boolean)[][];
  timeZone: string;
  /** Now, as wall time (ms) in the spreadsheet's time zone. */
  now: number;
  /** Columns (0-based) whose cells were dates in the sheet: their serial numbers are dates. */
  dateColumns?: number[];
  /** Each column's number format in the first lead's row ("$#,##0.00"): pipeline value is shown in the deal values' currency. */
  formats?: string[];
  /** Sheets LeadFlow built earlier, by kind: the dialog asks before one is replaced. */
  builtSheets?: Partial<Record<Kind, string>>;
}

/** What the dialog asks for: the kind of sheet and its choices. */
export type BuildRequest = ({ kind: 'funnel' } & FunnelRequest) | ({ kind: 'flow' } & FlowRequest) | ({ kind: 'checklist' } & ChecklistRequest);

const PLANNERS = { funnel: planFunnel, flow: planFlow, checklist: planChecklist };

/** The plan of one sheet, from the data the server read and the choices made in the dialog. */
export function planBuild(data: BuildData, request: BuildRequest): Plan {
  const planner = PLANNERS[request.kind as Kind] as (leads: ReturnType<typeof makeCtx>, request: BuildRequest) => Plan;
  if (!planner) throw new LeadFlowError('Choose the sheet to build: funnel, flow or checklist.');
  return planner(makeCtx({ ...withSetup(data), dates: new DateReader(timeZoneClock(data.timeZone)) }), request);
}

/** The build data with the setup it will use: the saved one, or LeadFlow's proposal from the headers and rows. */
export function withSetup(data: BuildData): BuildData {
  if (data.saved || data.proposed) return data;
  const dateColumns = new Set(data.dateColumns ?? []);
  return { ...data, setup: proposeSetup(data.setup.leads.sheet, data.headers, data.rows, { dateColumns }).setup, proposed: true };
}
