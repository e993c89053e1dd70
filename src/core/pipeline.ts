/**
 * The pipeline model: ordered stages a lead passes through, and exits that take a lead out of the
 * pipeline after a given stage. Every status a sheet holds resolves to "the furthest stage this
 * lead reached" (plus the exit it took, if any). This is the one place that says how a status
 * maps to the funnel.
 */
import { ArgContext, LeadFlowError, argError, clip, show, showList } from './errors';
import { DEFAULT_PIPELINE } from './defaults';
import { SETUP_MARKER, Setup, isSetupGrid, looksLikeSetupGrid, pipelineOf, setupFromGrid } from './setup';
import { Cell, DateReader, Grid, cellText, isBlank, isDate, normalizeLabel, parseDateText, toGrid } from './values';

const REPAIR = 'Open Extensions > LeadFlow > Open setup to repair it.';

/** What a formula says of a setup that does not read: its first problem (with its sheet row), how many more, how to repair it. */
export function invalidSetup(problems: { message: string }[]): string {
  return `is not valid: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''} ${REPAIR}`;
}

/** What a formula says of a setup range whose first cell was cleared (its "Kind | Name" rows are still there). */
export const MARKER_CLEARED = `is the LeadFlow setup, but its first cell no longer says "${SETUP_MARKER}" (it was cleared or overwritten), so it cannot be read. Put it back, or ${REPAIR[0].toLowerCase()}${REPAIR.slice(1)}`;

/** 1927-05-18: below this a number in a status column is a status someone numbered, not a date. */
export const MIN_DATE_SERIAL = 10_000;

/** More stages or exits than any pipeline has (and than a lead's stage index holds): a range picked by mistake. */
export const MAX_PIPELINE_ENTRIES = 1000;

export { DEFAULT_PIPELINE };

export interface StageDef {
  name: string;
  aliases: string[];
}

export interface ExitDef {
  name: string;
  /** The stage a lead leaves from: a lead that exits here has reached that stage and no further. */
  from: string;
  aliases: string[];
  /** Whether leaving this way removes the lead from net lead flow (disqualified, lost) or keeps it (nurturing). */
  removes: boolean;
}

export interface PipelineDef {
  stages: StageDef[];
  exits: ExitDef[];
}

/** What one status means: the furthest stage reached, and the exit taken (-1 when still in the pipeline). */
export interface Resolution {
  stage: number;
  exit: number;
}

export class Pipeline {
  readonly stageNames: string[];
  readonly exitNames: string[];
  private readonly byLabel = new Map<string, Resolution>();

  constructor(readonly def: PipelineDef, ctx: ArgContext = { fn: 'LeadFlow', arg: 'stages' }) {
    if (def.stages.length === 0) throw argError(ctx, 'lists no stages; expected at least one stage name.');
    if (def.stages.length + def.exits.length > MAX_PIPELINE_ENTRIES) {
      throw argError(ctx, `lists ${(def.stages.length + def.exits.length).toLocaleString('en-US')} stages and exits; a pipeline has at most 1,000: give the stage list, not the leads.`);
    }
    this.stageNames = def.stages.map((s) => s.name);
    this.exitNames = def.exits.map((e) => e.name);
    // Each spelling belongs to one stage or exit; `key` tells entries apart even when two share a name.
    const owner = new Map<string, { key: string; who: string }>();
    const claim = (label: string, key: string, who: string, res: Resolution) => {
      if (isBlank(label)) throw argError(ctx, `has an empty name (${who}); every stage, exit and alias needs a name.`);
      const norm = normalizeLabel(label);
      const prior = owner.get(norm);
      if (prior !== undefined && prior.key !== key) {
        throw argError(ctx, `names ${show(label)} twice (${prior.who} and ${who}); each stage, exit and alias may appear only once.`);
      }
      if (prior) return;
      owner.set(norm, { key, who });
      this.byLabel.set(norm, res);
    };
    def.stages.forEach((s, i) => {
      claim(s.name, `s${i}`, `stage ${clip(s.name)}`, { stage: i, exit: -1 });
      for (const a of s.aliases) claim(a, `s${i}`, `stage ${clip(s.name)}`, { stage: i, exit: -1 });
    });
    def.exits.forEach((e, i) => {
      const from = this.stageIndex(e.from);
      if (from < 0) {
        throw argError(ctx, `says exit ${show(e.name)} leaves after ${show(e.from)}, which is not one of the stages (${showList(this.stageNames)}).`);
      }
      claim(e.name, `e${i}`, `exit ${clip(e.name)}`, { stage: from, exit: i });
      for (const a of e.aliases) claim(a, `e${i}`, `exit ${clip(e.name)}`, { stage: from, exit: i });
    });
  }

  stageIndex(name: unknown): number {
    const key = normalizeLabel(name);
    return this.def.stages.findIndex((s) => normalizeLabel(s.name) === key || s.aliases.some((a) => normalizeLabel(a) === key));
  }

  /** A status label's meaning, or undefined when no stage, exit or alias has that spelling. */
  resolve(status: unknown): Resolution | undefined {
    return this.byLabel.get(normalizeLabel(status));
  }

  /** A stage named by the user in an argument (from_stage, stage): exact stage or alias, else a clear error. */
  requireStage(name: unknown, ctx: ArgContext): number {
    if (isBlank(name)) throw argError(ctx, `is empty; expected one of the stages: ${showList(this.stageNames)}.`);
    const i = this.stageIndex(name);
    if (i < 0) throw argError(ctx, `is ${show(name)}, which is not a stage; expected one of: ${showList(this.stageNames)}.`);
    return i;
  }

  /** How a person fixes a status that matches nothing, for error messages. */
  unmatchedMessage(status: unknown, ctx: ArgContext, row: number): LeadFlowError {
    return argError(
      ctx,
      `row ${row} has the status ${show(status)}, which matches no stage or exit of the pipeline (${showList(this.stageNames)}${this.exitNames.length ? `; exits ${showList(this.exitNames, 6)}` : ''}). ` +
        `Map it by adding it as an alias in the stages argument, e.g. "${clip(this.stageNames[Math.min(1, this.stageNames.length - 1)])} (${clip(cellText(status).trim())})", or in the LeadFlow setup.`,
    );
  }
}

export const defaultPipeline = (): Pipeline => new Pipeline(DEFAULT_PIPELINE);

// ---------------------------------------------------------------- reading a stages argument

const EXIT_ENTRY = /^(.*?)\s+after\s+(.+?)(\s*\(kept\)|\s+kept)?$/i;
const ALIASED = /^([^()]*?)\s*\(([^()]*)\)\s*$/;

function splitAliases(text: string): string[] {
  return text.split(/[\/|;,]/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Longer than any stage name with its aliases: read as a plain name (and never run through the patterns above). */
const MAX_ENTRY = 2000;
/** What a Google Sheets cell holds: a stages text longer than that did not come from a sheet. */
const MAX_STAGES_TEXT = 50_000;

function nameAndAliases(entry: string): { name: string; aliases: string[] } {
  const m = entry.length > MAX_ENTRY ? null : ALIASED.exec(entry.trim());
  return m ? { name: m[1].trim(), aliases: splitAliases(m[2]) } : { name: entry.trim(), aliases: [] };
}

/**
 * Reads a pipeline written as text:
 *   "Arrived, Reviewed (Contacted / Working), Qualified; Disqualified after Reviewed, Nurturing after Qualified (kept)"
 * Stages come first, in order, separated by commas or ">"; aliases sit in parentheses; after a
 * semicolon come the exits, each "NAME after STAGE", removing the lead from net lead flow unless
 * marked "(kept)".
 */
export function parsePipelineText(text: string, ctx: ArgContext): PipelineDef {
  if (text.length > MAX_STAGES_TEXT) {
    throw argError(ctx, `is a text of ${text.length.toLocaleString('en-US')} characters; expected a list of stages such as "Arrived, Reviewed, Won", at most 50,000 characters.`);
  }
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) throw argError(ctx, `has a ")" with no "(" before it in ${show(text)}; aliases go in parentheses after a stage, e.g. "Reviewed (Contacted / Working)".`);
  }
  if (depth > 0) throw argError(ctx, `has a "(" that is never closed in ${show(text)}; aliases go in parentheses after a stage, e.g. "Reviewed (Contacted / Working)".`);
  const [stagePart, ...exitParts] = text.split(';');
  const splitEntries = (s: string, sep: RegExp) => {
    // Commas inside parentheses separate aliases, not entries.
    const out: string[] = [];
    let depth = 0;
    let cur = '';
    for (const ch of s) {
      if (ch === '(') depth++;
      if (ch === ')') depth = Math.max(0, depth - 1);
      if (depth === 0 && sep.test(ch)) {
        out.push(cur);
        cur = '';
      } else cur += ch;
    }
    out.push(cur);
    return out.map((e) => e.trim()).filter((e) => e.length > 0);
  };
  const stages = splitEntries(stagePart, /[,>\n]/).map(nameAndAliases);
  const exits: ExitDef[] = [];
  for (const entry of splitEntries(exitParts.join(','), /[,\n]/)) {
    const m = entry.length > MAX_ENTRY ? null : EXIT_ENTRY.exec(entry);
    if (!m) throw argError(ctx, `has the exit ${show(entry)}; expected an exit written as "NAME after STAGE", e.g. "Disqualified after Reviewed".`);
    const { name, aliases } = nameAndAliases(m[1]);
    exits.push({ name, aliases, from: m[2].trim(), removes: !m[3] });
  }
  return { stages, exits };
}

const HEADER_WORDS = new Set(['stage', 'stages', 'name', 'stage name', 'status']);

/**
 * Reads a pipeline from a range: one row per stage or exit. Column 1 the name, column 2 its
 * aliases (separated by commas or slashes), column 3 the stage an exit leaves after (blank for a
 * stage), column 4 "kept" (or FALSE) for an exit that does not remove the lead. A header row is
 * skipped.
 */
export function parsePipelineRange(grid: Grid, ctx: ArgContext): PipelineDef {
  const rows = grid.filter((r) => !r.every(isBlank));
  if (rows.length > 0 && HEADER_WORDS.has(normalizeLabel(rows[0][0]))) rows.shift();
  const stages: StageDef[] = [];
  const exits: ExitDef[] = [];
  for (const r of rows) {
    const name = cellText(r[0]).trim();
    if (name === '') throw argError(ctx, `has a row with aliases but no stage name; every row needs a name in its first column.`);
    const aliases = r.length > 1 && !isBlank(r[1]) ? splitAliases(cellText(r[1]).slice(0, MAX_STAGES_TEXT)) : [];
    const from = r.length > 2 && !isBlank(r[2]) ? cellText(r[2]).trim() : '';
    if (from === '') stages.push({ name, aliases });
    else {
      const keep = r.length > 3 && (r[3] === false || /^(kept|keep|no|false)$/i.test(String(r[3]).trim()));
      exits.push({ name, aliases, from, removes: !keep });
    }
  }
  return { stages, exits };
}

/**
 * The pipeline a formula works with: the default one when the argument is omitted, the LeadFlow
 * setup when the argument is the setup range (its first cell says "LeadFlow setup"), otherwise the
 * stages text or range the user gave.
 */
export function readPipelineArg(v: unknown, ctx: ArgContext): { pipeline: Pipeline; setup?: Setup } {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return { pipeline: defaultPipeline() };
  const grid = toGrid(v);
  if (grid.every((r) => r.every(isBlank))) return { pipeline: defaultPipeline() };
  if (isSetupGrid(grid)) {
    const { setup, problems } = setupFromGrid(grid);
    if (!setup) {
      throw argError(ctx, `is the LeadFlow setup, but it ${invalidSetup(problems)}`);
    }
    return { pipeline: new Pipeline(pipelineOf(setup), ctx), setup };
  }
  if (looksLikeSetupGrid(grid)) {
    throw argError(ctx, MARKER_CLEARED);
  }
  let def: PipelineDef;
  if (grid.length === 1 && grid[0].length === 1) def = parsePipelineText(cellText(grid[0][0]), ctx);
  // A single row lists the stages across, one per cell (aliases in parentheses, as in text).
  else if (grid.length === 1) def = { stages: grid[0].filter((c) => !isBlank(c)).map((c) => nameAndAliases(cellText(c))), exits: [] };
  else def = parsePipelineRange(grid, ctx);
  return { pipeline: new Pipeline(def, ctx) };
}

export function pipelineFromArg(v: unknown, ctx: ArgContext): Pipeline {
  return readPipelineArg(v, ctx).pipeline;
}

// ---------------------------------------------------------------- furthest stage reached

/** Furthest stage per lead (-1 for a blank row) and the exit taken (-1 for none). */
export interface Reached {
  stage: Int16Array;
  exit: Int16Array;
  /** Wall-time stage dates, stage-major (dates[s][i]), when the input was stage dates. */
  dates?: Float64Array[];
}

/** What reachedFromStatuses remembers for a blank cell: no lead. */
const BLANK_CELL = 'blank';

/** From one column of statuses: each status resolves through the pipeline; an exit counts as the stage it left from. */
export function reachedFromStatuses(statuses: Cell[], pipeline: Pipeline, ctx: ArgContext): Reached {
  const n = statuses.length;
  const stage = new Int16Array(n).fill(-1);
  const exit = new Int16Array(n).fill(-1);
  // Each distinct cell is judged once (blank, placed, or not placed); the rest is one Map lookup.
  const seen = new Map<unknown, Resolution | null | typeof BLANK_CELL>();
  for (let i = 0; i < n; i++) {
    const v = statuses[i];
    let res = seen.get(v);
    if (res === undefined) {
      res = isBlank(v) ? BLANK_CELL : pipeline.resolve(v) ?? null;
      seen.set(v, res);
    }
    if (res === BLANK_CELL) continue;
    if (res === null) throw pipeline.unmatchedMessage(v, ctx, i + 1);
    stage[i] = res.stage;
    exit[i] = res.exit;
  }
  return { stage, exit };
}

/** From one date column per stage, in stage order: the furthest stage that has a date. */
export function reachedFromStageDates(grid: Grid, pipeline: Pipeline, dates: DateReader, ctx: ArgContext): Reached {
  const n = grid.length;
  const width = n ? grid[0].length : 0;
  const stages = pipeline.stageNames;
  if (width > stages.length) {
    throw argError(ctx, `has ${width} date columns but the pipeline has only ${stages.length} stages (${showList(stages)}); give one date column per stage, in stage order.`);
  }
  const stage = new Int16Array(n).fill(-1);
  const exit = new Int16Array(n).fill(-1);
  const cols: Float64Array[] = [];
  for (let s = 0; s < width; s++) cols.push(new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = grid[i];
    for (let s = 0; s < width; s++) {
      const v = row[s];
      let wall: number;
      // A small number is a status or a count someone numbered, not a day of 1900.
      const tiny = typeof v === 'number' && v < MIN_DATE_SERIAL;
      try {
        if (tiny) throw 0;
        wall = dates.read(v, ctx, i + 1);
      } catch (e) {
        if (typeof v === 'string' || tiny) {
          throw argError(ctx, `has ${width} columns, so it is read as one date column per stage (${showList(stages.slice(0, width))}), but row ${i + 1} column ${s + 1} holds ${tiny ? 'the number ' : ''}${show(v)}, which is not a date. Give a single column of statuses, or one date column per stage.`);
        }
        throw e;
      }
      cols[s][i] = wall;
      if (!Number.isNaN(wall)) stage[i] = s;
    }
  }
  return { stage, exit, dates: cols };
}

/**
 * Statuses or stage dates, decided by shape: one column is read as statuses (unless every filled
 * cell is a date, then it is the first stage's dates); several columns are one date column per stage.
 */
export function readReached(v: unknown, pipeline: Pipeline, dates: DateReader, ctx: ArgContext): Reached {
  const grid = toGrid(v);
  if (grid.length === 0) return { stage: new Int16Array(0), exit: new Int16Array(0) };
  if (grid[0].length === 1) {
    const col = grid.map((r) => r[0]);
    const first = col.find((c) => !isBlank(c));
    // Statuses are text; a column whose first entry is a date (a Date, a serial of this century or the last, or date text) is
    // the first stage's dates. Small numbers (1, 2, 3) are statuses someone numbered, not days of 1900.
    const isDateColumn = first !== undefined && ((typeof first === 'number' && first >= MIN_DATE_SERIAL) || isDate(first) ||
      (typeof first === 'string' && parseDateText(first, dates.clock) !== undefined));
    if (!isDateColumn) return reachedFromStatuses(col, pipeline, ctx);
  }
  return reachedFromStageDates(grid, pipeline, dates, ctx);
}
