/**
 * The LeadFlow setup: which sheet and columns hold the leads, the pipeline's stages and exits, net
 * lead flow's inactivity window, and the qualification criteria. One schema, shared by the
 * sidebar, the server code and the formulas; it lives in the spreadsheet as a readable setup sheet
 * (see setupToGrid / setupFromGrid), so "Make a copy" carries it along.
 */
import * as v from 'valibot';
import { DEFAULT_PIPELINE } from './defaults';
import type { PipelineDef } from './pipeline';
import { clip } from './errors';
import { columnLetter, normalizeLabel } from './values';

/** A user's text quoted in a setup message: short, whatever was typed. */
const q = (text: unknown) => `"${clip(String(text ?? ''))}"`;

export const SETUP_VERSION = 1;

/** Column roles a setup can map, with the label a person sees on the setup sheet and in the sidebar. */
export const COLUMN_FIELDS = {
  arrived: 'Arrival date',
  status: 'Status',
  result: 'Won / lost',
  source: 'Source',
  owner: 'Owner',
  value: 'Deal value',
  lastActivity: 'Last activity',
  firstResponse: 'First response time',
  attempts: 'Contact attempts',
  nextStep: 'Next step',
  outcome: 'Outcome',
  removedAt: 'Removal date',
} as const;
export type ColumnField = keyof typeof COLUMN_FIELDS;

export const OPERATORS = {
  equals: 'equals',
  oneOf: 'is one of',
  contains: 'contains',
  greaterThan: 'greater than',
  lessThan: 'less than',
  between: 'between',
  blank: 'is blank',
  notBlank: 'is not blank',
  validEmail: 'is a valid email',
  withinDays: 'within the last N days',
} as const;
export type Operator = keyof typeof OPERATORS;
/** Operators whose value must be a number. */
export const NUMERIC_OPERATORS: readonly Operator[] = ['greaterThan', 'lessThan', 'between', 'withinDays'];
/** Operators that take no value. */
export const VALUELESS_OPERATORS: readonly Operator[] = ['blank', 'notBlank', 'validEmail'];

const name = v.pipe(v.string(), v.trim(), v.minLength(1, 'Give it a name.'), v.maxLength(100, 'Keep names under 100 characters.'));
const alias = v.pipe(v.string(), v.trim(), v.minLength(1, 'An alias cannot be empty.'), v.maxLength(100, 'Keep aliases under 100 characters.'));
const points = v.pipe(v.number('Points must be a number.'), v.integer('Points must be a whole number.'), v.minValue(-1000), v.maxValue(1000));
const score = v.pipe(v.number('Must be a number.'), v.minValue(0, 'Must be 0 or more.'), v.maxValue(10000));

export const RuleSchema = v.object({
  group: v.picklist(['fit', 'intent'], 'Choose Fit or Intent.'),
  column: v.pipe(v.string(), v.trim(), v.minLength(1, 'Choose the column this rule looks at.')),
  operator: v.picklist(Object.keys(OPERATORS) as Operator[], 'Choose how to compare.'),
  value: v.optional(v.string(), ''),
  value2: v.optional(v.string(), ''),
  points,
  label: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100)), ''),
});
export type Rule = v.InferOutput<typeof RuleSchema>;

export const SetupSchema = v.object({
  version: v.literal(SETUP_VERSION),
  leads: v.object({
    sheet: name,
    headerRow: v.pipe(v.number('The header row must be a row number.'), v.integer('The header row must be a whole row number.'), v.minValue(1, 'The header row is row 1 or below.')),
  }),
  columns: v.object({
    ...(Object.fromEntries(Object.keys(COLUMN_FIELDS).map((k) => [k, v.optional(v.string(), '')])) as Record<ColumnField, v.OptionalSchema<v.StringSchema<undefined>, ''>>),
    /** Stage name → header of the column holding the date the lead reached it. */
    stageDates: v.optional(v.record(v.string(), v.string()), {}),
    /** Stage name → header of a yes/no column saying the lead reached it (Zoho's "Converted" = Yes). */
    stageFlags: v.optional(v.record(v.string(), v.string()), {}),
  }),
  stages: v.pipe(v.array(v.object({ name, aliases: v.array(alias) })), v.minLength(1, 'Add at least one stage.')),
  exits: v.array(v.object({ name, from: name, aliases: v.array(alias), removes: v.boolean() })),
  flow: v.object({ inactiveDays: v.pipe(v.number('Must be a number of days.'), v.integer(), v.minValue(1, 'At least 1 day.'), v.maxValue(3650)) }),
  scoring: v.object({
    rules: v.array(RuleSchema),
    caps: v.object({ fit: score, intent: score }),
    mql: v.object({ fit: score, intent: score }),
    sql: v.object({ fit: score, intent: score }),
    temperature: v.object({ warm: score, hot: score }),
  }),
});
export type Setup = v.InferOutput<typeof SetupSchema>;

type Issue = { message: string; input?: unknown; path?: { key: unknown }[] };

/** The schema's problems at their fields; a field left out says it is missing (the schema would say "Invalid key"). */
function schemaProblems(issues: readonly Issue[]): SetupProblem[] {
  return issues.slice(0, 20).map((i) => ({
    field: (i.path ?? []).map((p) => clip(p.key)).join('.') || 'setup',
    message: i.input === undefined ? 'Missing: a LeadFlow setup needs this field.' : `${clip(i.message, 160)}${typeof i.input === 'number' ? ` It holds ${i.input}.` : ''}`,
  }));
}

/** A problem with one field, addressed by its path ("stages.2.name"), so the sidebar can show it next to that field. */
export interface SetupProblem {
  field: string;
  message: string;
}

export function defaultSetup(sheet = 'Leads'): Setup {
  return {
    version: SETUP_VERSION,
    leads: { sheet, headerRow: 1 },
    columns: { arrived: '', status: '', result: '', source: '', owner: '', value: '', lastActivity: '', firstResponse: '', attempts: '', nextStep: '', outcome: '', removedAt: '', stageDates: {}, stageFlags: {} },
    stages: DEFAULT_PIPELINE.stages.map((s) => ({ name: s.name, aliases: [...s.aliases] })),
    exits: DEFAULT_PIPELINE.exits.map((e) => ({ ...e, aliases: [...e.aliases] })),
    flow: { inactiveDays: 90 },
    scoring: { rules: [], caps: { fit: 100, intent: 100 }, mql: { fit: 60, intent: 40 }, sql: { fit: 60, intent: 70 }, temperature: { warm: 40, hot: 80 } },
  };
}

export function pipelineOf(setup: Setup): PipelineDef {
  return { stages: setup.stages, exits: setup.exits };
}

/**
 * Checks a setup: the schema first, then what a schema cannot say (names claimed twice, thresholds
 * out of order, rules on columns that do not exist, numbers where numbers are needed). With the
 * leads sheet's header row, column references are checked too.
 */
export function validateSetup(input: unknown, headers?: unknown[]): { setup?: Setup; problems: SetupProblem[] } {
  const parsed = v.safeParse(SetupSchema, input);
  if (!parsed.success) return { problems: schemaProblems(parsed.issues) };
  const setup = parsed.output;
  const problems: SetupProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  // Names are shown as text everywhere, but a name that looks like markup is almost surely a paste
  // gone wrong (or an attempt to inject it into some other tool that reads the sheet): refuse it.
  const plain = (text: string, field: string) => {
    if (MARKUP.test(text)) add(field, `${q(text)} looks like HTML or script; use plain words (no <tags>).`);
  };
  setup.stages.forEach((s, i) => {
    plain(s.name, `stages.${i}.name`);
    s.aliases.forEach((a, j) => plain(a, `stages.${i}.aliases.${j}`));
  });
  setup.exits.forEach((e, i) => {
    plain(e.name, `exits.${i}.name`);
    e.aliases.forEach((a, j) => plain(a, `exits.${i}.aliases.${j}`));
  });
  setup.scoring.rules.forEach((r, i) => plain(r.label, `scoring.rules.${i}.label`));

  // Every stage, exit and alias spelling belongs to one place only.
  const owner = new Map<string, { key: string; who: string }>();
  const claim = (label: string, key: string, who: string, field: string) => {
    const norm = normalizeLabel(label);
    const prior = owner.get(norm);
    if (prior !== undefined && prior.key !== key) add(field, `${q(label)} is already used by ${prior.who}; each name and alias may belong to one stage or exit.`);
    else if (!prior) owner.set(norm, { key, who });
  };
  setup.stages.forEach((s, i) => {
    claim(s.name, `s${i}`, `stage ${clip(s.name)}`, `stages.${i}.name`);
    s.aliases.forEach((a, j) => claim(a, `s${i}`, `stage ${clip(s.name)}`, `stages.${i}.aliases.${j}`));
  });
  const stageKeys = new Set(setup.stages.map((s) => normalizeLabel(s.name)));
  setup.exits.forEach((e, i) => {
    claim(e.name, `e${i}`, `exit ${clip(e.name)}`, `exits.${i}.name`);
    e.aliases.forEach((a, j) => claim(a, `e${i}`, `exit ${clip(e.name)}`, `exits.${i}.aliases.${j}`));
    if (!stageKeys.has(normalizeLabel(e.from))) add(`exits.${i}.from`, `${q(e.from)} is not one of the stages.`);
  });

  const { caps, mql, sql, temperature } = setup.scoring;
  if (mql.fit > caps.fit) add('scoring.mql.fit', `The MQL fit threshold (${mql.fit}) is above the fit cap (${caps.fit}), so no lead could reach it.`);
  if (mql.intent > caps.intent) add('scoring.mql.intent', `The MQL intent threshold (${mql.intent}) is above the intent cap (${caps.intent}).`);
  if (sql.fit < mql.fit) add('scoring.sql.fit', `The SQL fit threshold (${sql.fit}) must be at least the MQL one (${mql.fit}): an SQL is also an MQL.`);
  if (sql.intent < mql.intent) add('scoring.sql.intent', `The SQL intent threshold (${sql.intent}) must be at least the MQL one (${mql.intent}).`);
  if (sql.fit > caps.fit) add('scoring.sql.fit', `The SQL fit threshold (${sql.fit}) is above the fit cap (${caps.fit}).`);
  if (sql.intent > caps.intent) add('scoring.sql.intent', `The SQL intent threshold (${sql.intent}) is above the intent cap (${caps.intent}).`);
  if (temperature.hot <= temperature.warm) add('scoring.temperature.hot', `Hot (${temperature.hot}) must be above warm (${temperature.warm}).`);

  if (headers) problems.push(...headerProblems(headers));
  problems.push(...columnProblems(setup, headers));
  return problems.length ? { problems } : { setup, problems };
}

/** What a schema cannot check about column references: that each names a header of the leads sheet, and numbers where numbers are needed. */
export function columnProblems(setup: Setup, headers?: unknown[]): SetupProblem[] {
  const problems: SetupProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const stageKeys = new Set(setup.stages.map((s) => normalizeLabel(s.name)));
  const headerKeys = headers ? new Set(headers.map((h) => normalizeLabel(h ?? ''))) : undefined;
  const columnExists = (h: string) => !headerKeys || headerKeys.has(normalizeLabel(h));
  for (const [field, header] of Object.entries(setup.columns)) {
    if (typeof header !== 'string' || header === '') continue;
    if (!columnExists(header)) add(`columns.${field}`, `There is no column ${q(header)} in the header row of ${q(setup.leads.sheet)}.`);
  }
  for (const kind of ['stageDates', 'stageFlags'] as const) {
    for (const [stage, header] of Object.entries(setup.columns[kind])) {
      if (!stageKeys.has(normalizeLabel(stage))) add(`columns.${kind}.${stage}`, `${q(stage)} is not one of the stages.`);
      else if (header && !columnExists(header)) add(`columns.${kind}.${stage}`, `There is no column ${q(header)} in the header row.`);
    }
  }
  setup.scoring.rules.forEach((r, i) => {
    if (!columnExists(r.column)) add(`scoring.rules.${i}.column`, `There is no column ${q(r.column)} in the header row of ${q(setup.leads.sheet)}.`);
    if (NUMERIC_OPERATORS.includes(r.operator)) {
      if (!isNumberText(r.value)) add(`scoring.rules.${i}.value`, `"${OPERATORS[r.operator]}" needs a number, but the value is ${q(r.value)}.`);
      if (r.operator === 'between') {
        if (!isNumberText(r.value2)) add(`scoring.rules.${i}.value2`, `"between" needs a second number, but it is ${q(r.value2)}.`);
        else if (isNumberText(r.value) && Number(r.value) > Number(r.value2)) add(`scoring.rules.${i}.value2`, `The upper bound (${clip(r.value2)}) is below the lower one (${clip(r.value)}).`);
      }
    } else if (!VALUELESS_OPERATORS.includes(r.operator) && r.value.trim() === '') {
      add(`scoring.rules.${i}.value`, `"${OPERATORS[r.operator]}" needs a value to compare with.`);
    }
  });
  return problems;
}

/** Tag-like text: "<" followed by a letter, "/", "!" or "?" ("a < b" and "<>" stay allowed). */
export const MARKUP = /<\s*[a-z!\/?]/i;

function isNumberText(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s.trim()));
}


/** A header row LeadFlow can map: no blank names among the used columns, no name twice. */
export function headerProblems(headers: unknown[]): SetupProblem[] {
  const problems: SetupProblem[] = [];
  let last = headers.length - 1;
  while (last >= 0 && String(headers[last] ?? '').trim() === '') last--;
  const seen = new Map<string, number>();
  for (let i = 0; i <= last; i++) {
    const h = String(headers[i] ?? '').trim();
    if (h === '') {
      problems.push({ field: 'leads.headerRow', message: `Column ${columnLetter(i)} of the header row is blank; give every column a name.` });
      continue;
    }
    const key = normalizeLabel(h);
    const prior = seen.get(key);
    if (prior !== undefined) problems.push({ field: 'leads.headerRow', message: `${q(h)} names both column ${columnLetter(prior)} and column ${columnLetter(i)}; header names must differ.` });
    else seen.set(key, i);
  }
  return problems;
}

// ---------------------------------------------------------------- the setup sheet

export const SETUP_SHEET = 'LeadFlow setup';
export const SETUP_RANGE_NAME = 'LeadFlowSetup';
export const SETUP_MARKER = 'LeadFlow setup';

/**
 * The setup as rows a person can read on the setup sheet: a kind in column A, then its fields.
 * The first row carries the marker and version, which is how the formulas recognise a setup range
 * passed as their stages argument.
 */
export function setupToGrid(setup: Setup): string[][] {
  const rows: string[][] = [
    [SETUP_MARKER, `version ${setup.version}`, 'Edit with Extensions > LeadFlow > Open setup, or by hand with care.', '', '', '', ''],
    ['Kind', 'Name', 'Value / aliases', 'Leaves after / operator', 'Removes / value', 'Second value', 'Points'],
    ['Leads', 'Sheet', setup.leads.sheet, '', '', '', ''],
    ['Leads', 'Header row', String(setup.leads.headerRow), '', '', '', ''],
  ];
  for (const [field, label] of Object.entries(COLUMN_FIELDS)) rows.push(['Column', label, setup.columns[field as ColumnField] ?? '', '', '', '', '']);
  for (const [stage, header] of Object.entries(setup.columns.stageDates)) rows.push(['Stage date', stage, header, '', '', '', '']);
  for (const [stage, header] of Object.entries(setup.columns.stageFlags)) rows.push(['Stage flag', stage, header, '', '', '', '']);
  for (const s of setup.stages) rows.push(['Stage', s.name, s.aliases.join(', '), '', '', '', '']);
  for (const e of setup.exits) rows.push(['Exit', e.name, e.aliases.join(', '), e.from, e.removes ? 'removes' : 'kept', '', '']);
  rows.push(['Flow', 'Inactive days', String(setup.flow.inactiveDays), '', '', '', '']);
  const sc = setup.scoring;
  for (const r of sc.rules) rows.push([r.group === 'fit' ? 'Fit rule' : 'Intent rule', r.label || r.column, r.column, OPERATORS[r.operator], r.value, r.value2, String(r.points)]);
  rows.push(
    ['Cap', 'Fit', String(sc.caps.fit), '', '', '', ''],
    ['Cap', 'Intent', String(sc.caps.intent), '', '', '', ''],
    ['Threshold', 'MQL fit', String(sc.mql.fit), '', '', '', ''],
    ['Threshold', 'MQL intent', String(sc.mql.intent), '', '', '', ''],
    ['Threshold', 'SQL fit', String(sc.sql.fit), '', '', '', ''],
    ['Threshold', 'SQL intent', String(sc.sql.intent), '', '', '', ''],
    ['Temperature', 'Warm from', String(sc.temperature.warm), '', '', '', ''],
    ['Temperature', 'Hot from', String(sc.temperature.hot), '', '', '', ''],
  );
  return rows;
}

export function isSetupGrid(grid: unknown[][]): boolean {
  return grid.length > 0 && normalizeLabel(grid[0]?.[0] ?? '') === normalizeLabel(SETUP_MARKER);
}

/** The setup's rows without its first cell (someone cleared or overwrote it): its "Kind | Name" header is still there. */
export function looksLikeSetupGrid(grid: unknown[][]): boolean {
  return grid.length > 2 && normalizeLabel(grid[1]?.[0] ?? '') === 'kind' && normalizeLabel(grid[1]?.[1] ?? '') === 'name';
}

/** Thrown inside setupFromGrid to leave a row that does not read. */
class SkipRow extends Error {}

const splitList = (s: unknown) => String(s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const operatorByLabel = new Map(Object.entries(OPERATORS).map(([k, label]) => [normalizeLabel(label), k as Operator]));

/**
 * Reads the setup sheet back. Whatever a hand edit broke is reported with the sheet row it is on,
 * then the result goes through validateSetup like anything the sidebar saves.
 */
export function setupFromGrid(grid: unknown[][], headers?: unknown[], opts: { lenient?: boolean } = {}): { setup?: Setup; problems: SetupProblem[] } {
  const read = readSetupGrid(grid);
  if (!read.setup || (read.problems.length && !opts.lenient)) return { problems: read.problems };
  // Lenient reading (for a repair) has skipped the rows it could not read; it still validates.
  const checked = validateSetup(read.setup, headers);
  // A problem found in a setup read from the sheet says which row of the sheet it is on.
  return { ...checked, problems: checked.problems.map((p) => onRow(p, read.rows, grid)) };
}

/** A setup problem with the setup sheet's row it came from ("Row 31 of the setup sheet (Threshold MQL fit): ..."). */
function onRow(p: SetupProblem, rows: Map<string, number> | undefined, grid: unknown[][]): SetupProblem {
  if (!rows) return p;
  const parts = p.field.split('.');
  for (let n = parts.length; n > 0; n--) {
    const row = rows.get(parts.slice(0, n).join('.'));
    if (row === undefined) continue;
    const [kind, name] = grid[row - 1] ?? [];
    return { ...p, message: `Row ${row} of the setup sheet (${clip(String(kind ?? '').trim(), 20)} ${clip(String(name ?? '').trim())}): ${p.message}` };
  }
  return p;
}

/**
 * The setup sheet as far as it reads, not validated: rows that do not read are skipped (and
 * reported with their row), numbers that do not read keep their default. The sidebar edits this
 * when a hand edit broke the sheet, and repairSetup starts from it.
 */
export function readSetupGrid(grid: unknown[][]): { setup?: Setup; problems: SetupProblem[]; rows?: Map<string, number> } {
  if (!isSetupGrid(grid)) return { problems: [{ field: 'setup', message: `The setup range does not start with "${SETUP_MARKER}"; it may have been moved or overwritten.` }] };
  /** The sheet row each setting was read from, by its field path ("scoring.mql.fit", "stages.2"). */
  const rows = new Map<string, number>();
  const s = defaultSetup();
  s.stages = [];
  s.exits = [];
  const problems: SetupProblem[] = [];
  const num = (x: unknown, row: number): number => {
    const n = typeof x === 'number' ? x : Number(String(x ?? '').trim());
    if (String(x ?? '').trim() === '' || !Number.isFinite(n)) {
      problems.push({ field: `row ${row}`, message: `Row ${row} of the setup sheet needs a number, but holds ${q(x)}.` });
      throw new SkipRow();
    }
    return n;
  };
  const fieldByLabel = new Map(Object.entries(COLUMN_FIELDS).map(([k, label]) => [normalizeLabel(label), k as ColumnField]));
  for (let i = 2; i < grid.length; i++) {
    try {
      readRow(i);
    } catch (e) {
      if (!(e instanceof SkipRow)) throw e;
    }
  }
  function readRow(i: number) {
    const [kindRaw, nameRaw, c, d, e, f, g] = grid[i];
    const kind = normalizeLabel(kindRaw ?? '');
    const nm = String(nameRaw ?? '').trim();
    const row = i + 1;
    if (kind === '' && nm === '') return;
    const key = normalizeLabel(nm);
    switch (kind) {
      case 'leads':
        if (key === 'sheet') rows.set('leads.sheet', row), (s.leads.sheet = String(c ?? '').trim());
        else if (key === 'header row') rows.set('leads.headerRow', row), (s.leads.headerRow = num(c, row));
        break;
      case 'column': {
        const field = fieldByLabel.get(key);
        if (field) rows.set(`columns.${field}`, row), (s.columns[field] = String(c ?? '').trim());
        else problems.push({ field: `row ${row}`, message: `Row ${row} of the setup sheet: ${q(nm)} is not a column LeadFlow maps; use one of ${Object.values(COLUMN_FIELDS).join(', ')}.` });
        break;
      }
      case 'stage date': rows.set(`columns.stageDates.${nm}`, row); s.columns.stageDates[nm] = String(c ?? '').trim(); break;
      case 'stage flag': rows.set(`columns.stageFlags.${nm}`, row); s.columns.stageFlags[nm] = String(c ?? '').trim(); break;
      case 'stage': rows.set(`stages.${s.stages.length}`, row); s.stages.push({ name: nm, aliases: splitList(c) }); break;
      case 'exit': rows.set(`exits.${s.exits.length}`, row); s.exits.push({ name: nm, aliases: splitList(c), from: String(d ?? '').trim(), removes: normalizeLabel(e ?? '') !== 'kept' }); break;
      case 'flow': if (key === 'inactive days') rows.set('flow.inactiveDays', row), (s.flow.inactiveDays = num(c, row)); break;
      case 'fit rule':
      case 'intent rule': {
        const op = operatorByLabel.get(normalizeLabel(d ?? ''));
        if (!op) {
          problems.push({ field: `row ${row}`, message: `Row ${row} of the setup sheet: ${q(d)} is not an operator; use one of: ${Object.values(OPERATORS).join(', ')}.` });
          break;
        }
        rows.set(`scoring.rules.${s.scoring.rules.length}`, row);
        s.scoring.rules.push({ group: kind === 'fit rule' ? 'fit' : 'intent', label: nm === String(c ?? '').trim() ? '' : nm, column: String(c ?? '').trim(), operator: op, value: String(e ?? ''), value2: String(f ?? ''), points: num(g, row) });
        break;
      }
      case 'cap': if (key === 'fit' || key === 'intent') rows.set(`scoring.caps.${key}`, row), (s.scoring.caps[key] = num(c, row)); break;
      case 'threshold': {
        const m = /^(mql|sql) (fit|intent)$/.exec(key);
        if (m) rows.set(`scoring.${m[1]}.${m[2]}`, row), (s.scoring[m[1] as 'mql' | 'sql'][m[2] as 'fit' | 'intent'] = num(c, row));
        break;
      }
      case 'temperature':
        if (key === 'warm from') rows.set('scoring.temperature.warm', row), (s.scoring.temperature.warm = num(c, row));
        else if (key === 'hot from') rows.set('scoring.temperature.hot', row), (s.scoring.temperature.hot = num(c, row));
        break;
      default:
        problems.push({ field: `row ${row}`, message: `Row ${row} of the setup sheet: ${q(kindRaw)} is not a kind of setting LeadFlow knows.` });
    }
  }
  return { setup: s, problems, rows };
}

/**
 * Mends a setup that does not validate, keeping as much of it as it can: an alias claimed twice or
 * not plain text is dropped; a stage or exit without a usable name, or an exit leaving after a
 * stage that is gone, is dropped; a rule that cannot run is dropped; a column that is not in the
 * header row is unmapped; thresholds out of order go back to their defaults. Header-row problems
 * belong to the leads sheet, not the setup, and are left for the user. `fixes` says what changed.
 */
export function repairSetup(input: Setup, headers?: unknown[]): { setup: Setup; fixes: string[] } {
  const fixes: string[] = [];
  let s: Setup = JSON.parse(JSON.stringify(input));
  const defaults = defaultSetup(s.leads?.sheet || 'Leads');
  for (let round = 0; round < 12; round++) {
    const parsed = v.safeParse(SetupSchema, s);
    let problems: SetupProblem[];
    if (!parsed.success) {
      problems = schemaProblems(parsed.issues);
    } else {
      s = parsed.output;
      problems = validateSetup(s).problems.concat(columnProblems(s, headers));
      if (problems.length === 0) return { setup: s, fixes };
    }
    const drop = { stages: new Set<number>(), exits: new Set<number>(), rules: new Set<number>() };
    const dropAlias = new Map<string, Set<number>>();
    for (const { field, message } of problems) {
      const path = field.split('.');
      const [a, b, c, d] = path;
      const i = Number(b);
      if ((a === 'stages' || a === 'exits') && path.length === 4 && c === 'aliases') {
        const key = `${a}.${b}`;
        if (!dropAlias.has(key)) dropAlias.set(key, new Set());
        dropAlias.get(key)!.add(Number(d));
        fixes.push(`Dropped an alias: ${message}`);
      } else if ((a === 'stages' || a === 'exits') && path.length >= 3) {
        drop[a].add(i);
        fixes.push(`Dropped ${a === 'stages' ? 'a stage' : 'an exit'}: ${message}`);
      } else if (a === 'stages' || a === 'exits' || a === 'setup' || a === 'version') {
        s.stages = defaults.stages;
        s.exits = defaults.exits;
        s.version = SETUP_VERSION;
        fixes.push(`Went back to the default pipeline: ${message}`);
      } else if (a === 'scoring' && b === 'rules' && path.length >= 3) {
        drop.rules.add(Number(c));
        fixes.push(`Dropped a rule: ${message}`);
      } else if (a === 'scoring') {
        const { rules } = s.scoring ?? defaults.scoring;
        s.scoring = { ...defaults.scoring, rules: Array.isArray(rules) ? rules : [] };
        fixes.push(`Went back to the default caps and thresholds: ${message}`);
      } else if (a === 'columns' && (b === 'stageDates' || b === 'stageFlags') && path.length >= 3) {
        delete s.columns[b][path.slice(2).join('.')];
        fixes.push(`Unmapped a stage ${b === 'stageDates' ? 'date' : 'flag'} column: ${message}`);
      } else if (a === 'columns' && path.length === 2 && b in COLUMN_FIELDS) {
        s.columns[b as ColumnField] = '';
        fixes.push(`Unmapped a column: ${message}`);
      } else if (a === 'columns') {
        s.columns = defaults.columns;
        fixes.push(`Unmapped the columns: ${message}`);
      } else if (a === 'flow') {
        s.flow = defaults.flow;
        fixes.push(`Went back to ${defaults.flow.inactiveDays} inactive days: ${message}`);
      } else if (a === 'leads') {
        s.leads = { sheet: s.leads?.sheet || defaults.leads.sheet, headerRow: 1 };
        if (!s.leads.sheet.trim()) s.leads.sheet = defaults.leads.sheet;
        fixes.push(`Reset the leads sheet: ${message}`);
      } else {
        return { setup: defaults, fixes: [...fixes, `Started over from the defaults: ${message}`] };
      }
    }
    for (const [key, idx] of dropAlias) {
      const [kind, n] = key.split('.');
      const item = (kind === 'stages' ? s.stages : s.exits)[Number(n)];
      if (item) item.aliases = item.aliases.filter((_, j) => !idx.has(j));
    }
    if (drop.stages.size) s.stages = s.stages.filter((_, j) => !drop.stages.has(j));
    if (drop.exits.size) s.exits = s.exits.filter((_, j) => !drop.exits.has(j));
    if (drop.rules.size) s.scoring.rules = s.scoring.rules.filter((_, j) => !drop.rules.has(j));
  }
  return { setup: defaults, fixes: [...fixes, 'Started over from the defaults.'] };
}
