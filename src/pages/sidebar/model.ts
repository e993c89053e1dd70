/**
 * The setup as the sidebar edits it. Stages and exits carry ids, so renaming or reordering a stage
 * keeps the exits that leave after it and its stage-date column attached; rules carry ids so their
 * live counts follow them. setupFromDraft turns it back into the one Setup shape that
 * validateSetup and the server take. Pure functions only: no DOM here (tested in node).
 */
import type { ScoringPreset } from '../../core/scoring';
import { COLUMN_FIELDS, ColumnField, Rule, SETUP_VERSION, Setup } from '../../core/setup';
import { normalizeLabel } from '../../core/values';

export interface StageDraft {
  id: number;
  name: string;
  aliases: string[];
  /** Header of the column holding the date a lead reached this stage ('' for none). */
  dateColumn: string;
  /** Header of a yes/no column saying a lead reached this stage ('' for none). */
  flagColumn: string;
}

export interface ExitDraft {
  id: number;
  name: string;
  aliases: string[];
  /** The id of the stage it leaves after, or the name as written when it matches no stage. */
  from: number | string;
  removes: boolean;
}

export interface RuleDraft extends Rule {
  id: number;
}

export interface Draft {
  sheet: string;
  headerRow: number;
  columns: Record<ColumnField, string>;
  stages: StageDraft[];
  exits: ExitDraft[];
  inactiveDays: number;
  rules: RuleDraft[];
  caps: { fit: number; intent: number };
  mql: { fit: number; intent: number };
  sql: { fit: number; intent: number };
  temperature: { warm: number; hot: number };
}

let lastId = 0;
export const newId = (): number => ++lastId;

export const COLUMN_KEYS = Object.keys(COLUMN_FIELDS) as ColumnField[];

export function draftFromSetup(s: Setup): Draft {
  const stages: StageDraft[] = s.stages.map((st) => ({ id: newId(), name: st.name, aliases: [...st.aliases], dateColumn: '', flagColumn: '' }));
  const stageByName = (name: string) => stages.find((st) => normalizeLabel(st.name) === normalizeLabel(name));
  for (const [name, header] of Object.entries(s.columns.stageDates ?? {})) {
    const st = stageByName(name);
    if (st) st.dateColumn = header;
  }
  for (const [name, header] of Object.entries(s.columns.stageFlags ?? {})) {
    const st = stageByName(name);
    if (st) st.flagColumn = header;
  }
  const columns = {} as Record<ColumnField, string>;
  for (const k of COLUMN_KEYS) columns[k] = s.columns[k] ?? '';
  return {
    sheet: s.leads.sheet,
    headerRow: s.leads.headerRow,
    columns,
    stages,
    exits: s.exits.map((e) => ({ id: newId(), name: e.name, aliases: [...e.aliases], from: stageByName(e.from)?.id ?? e.from, removes: e.removes })),
    inactiveDays: s.flow.inactiveDays,
    rules: s.scoring.rules.map((r) => ({ ...r, id: newId() })),
    caps: { ...s.scoring.caps },
    mql: { ...s.scoring.mql },
    sql: { ...s.scoring.sql },
    temperature: { ...s.scoring.temperature },
  };
}

export function exitFromName(d: Draft, e: ExitDraft): string {
  return typeof e.from === 'number' ? d.stages.find((s) => s.id === e.from)?.name ?? '' : e.from;
}

/** The draft as a Setup, exactly as saved: the shape validateSetup checks and leadflowSaveSetup writes. */
export function setupFromDraft(d: Draft): Setup {
  const stageDates: Record<string, string> = {};
  const stageFlags: Record<string, string> = {};
  for (const s of d.stages) {
    if (s.dateColumn) stageDates[s.name] = s.dateColumn;
    if (s.flagColumn) stageFlags[s.name] = s.flagColumn;
  }
  return {
    version: SETUP_VERSION,
    leads: { sheet: d.sheet, headerRow: d.headerRow },
    columns: { ...d.columns, stageDates, stageFlags },
    stages: d.stages.map((s) => ({ name: s.name, aliases: [...s.aliases] })),
    exits: d.exits.map((e) => ({ name: e.name, from: exitFromName(d, e), aliases: [...e.aliases], removes: e.removes })),
    flow: { inactiveDays: d.inactiveDays },
    scoring: {
      rules: d.rules.map(({ id: _id, ...r }) => ({ ...r })),
      caps: { ...d.caps },
      mql: { ...d.mql },
      sql: { ...d.sql },
      temperature: { ...d.temperature },
    },
  };
}

// ---------------------------------------------------------------- stages, exits, aliases

/** Moves the stage at `index` by `delta` places (clamped); returns its new index. */
export function moveStage(d: Draft, index: number, delta: number): number {
  const to = Math.max(0, Math.min(d.stages.length - 1, index + delta));
  if (to === index) return index;
  const [s] = d.stages.splice(index, 1);
  d.stages.splice(to, 0, s);
  return to;
}

/** Moves the stage with id `id` to position `to` (a drop). */
export function moveStageTo(d: Draft, id: number, to: number): number {
  const from = d.stages.findIndex((s) => s.id === id);
  if (from < 0) return -1;
  const [s] = d.stages.splice(from, 1);
  const at = Math.max(0, Math.min(d.stages.length, to > from ? to - 1 : to));
  d.stages.splice(at, 0, s);
  return at;
}

/** A name not used yet by a stage or exit: "New stage", "New stage 2"... */
export function freeName(d: Draft, base: string): string {
  const used = new Set([...d.stages, ...d.exits].map((x) => normalizeLabel(x.name)));
  let name = base;
  for (let n = 2; used.has(normalizeLabel(name)); n++) name = `${base} ${n}`;
  return name;
}

/**
 * Adds aliases typed or pasted in (comma separated) to a stage or exit; spellings it already has
 * are skipped. Returns the aliases added.
 */
export function addAliases(item: { name: string; aliases: string[] }, text: string): string[] {
  const added: string[] = [];
  for (const raw of text.split(',')) {
    const a = raw.trim();
    if (!a) continue;
    const key = normalizeLabel(a);
    if (normalizeLabel(item.name) === key || item.aliases.some((x) => normalizeLabel(x) === key)) continue;
    item.aliases.push(a);
    added.push(a);
  }
  return added;
}

export type Target = { kind: 'stage' | 'exit'; id: number };

/**
 * How statuses resolve under the draft, leniently: the first stage or exit to claim a spelling
 * gets it (the draft may have a duplicate the user is still fixing; validation reports that).
 */
export function statusResolver(d: Draft): (status: string) => Target | undefined {
  const map = new Map<string, Target>();
  const claim = (label: string, t: Target) => {
    const k = normalizeLabel(label);
    if (k && !map.has(k)) map.set(k, t);
  };
  for (const s of d.stages) {
    claim(s.name, { kind: 'stage', id: s.id });
    s.aliases.forEach((a) => claim(a, { kind: 'stage', id: s.id }));
  }
  for (const e of d.exits) {
    claim(e.name, { kind: 'exit', id: e.id });
    e.aliases.forEach((a) => claim(a, { kind: 'exit', id: e.id }));
  }
  return (status) => map.get(normalizeLabel(status));
}

export interface StatusTally {
  status: string;
  count: number;
}

export interface UnmatchedStatus extends StatusTally {
  /** Other spellings of the same status in the data ("reviewed" for "Reviewed"); one alias covers them all. */
  others: string[];
}

/**
 * Statuses of the data that match no stage, exit or alias of the draft, most frequent first.
 * Spellings that differ only in case, spaces or hyphens are one entry (they match the same alias).
 */
export function unmatchedStatuses(d: Draft, statuses: StatusTally[]): UnmatchedStatus[] {
  const resolve = statusResolver(d);
  const byKey = new Map<string, UnmatchedStatus>();
  for (const s of statuses) {
    if (resolve(s.status)) continue;
    const key = normalizeLabel(s.status);
    const prior = byKey.get(key);
    if (!prior) byKey.set(key, { status: s.status, count: s.count, others: [] });
    else {
      prior.count += s.count;
      prior.others.push(s.status);
    }
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count);
}

const words = (s: string) => normalizeLabel(s).split(' ').filter((w) => w.length > 2);

/**
 * The stage or exit a new status most likely belongs to: the one sharing the most words with it
 * (over names and aliases); exits win ties for words like "lost", "junk"; else the first stage.
 */
export function suggestTarget(d: Draft, status: string): Target | undefined {
  const want = new Set(words(status));
  let best: { t: Target; score: number } | undefined;
  const consider = (t: Target, labels: string[]) => {
    let score = 0;
    for (const l of labels) for (const w of words(l)) if (want.has(w) || [...want].some((x) => x.startsWith(w) || w.startsWith(x))) score++;
    if (score > 0 && (!best || score > best.score)) best = { t, score };
  };
  d.exits.forEach((e) => consider({ kind: 'exit', id: e.id }, [e.name, ...e.aliases]));
  d.stages.forEach((s) => consider({ kind: 'stage', id: s.id }, [s.name, ...s.aliases]));
  if (best) return best.t;
  return d.stages[0] ? { kind: 'stage', id: d.stages[0].id } : undefined;
}

export function targetItem(d: Draft, t: Target): StageDraft | ExitDraft | undefined {
  return t.kind === 'stage' ? d.stages.find((s) => s.id === t.id) : d.exits.find((e) => e.id === t.id);
}

// ---------------------------------------------------------------- rules and presets

export function newRule(group: Rule['group'], headers: string[]): RuleDraft {
  return { id: newId(), group, column: headers.find((h) => h.trim() !== '') ?? '', operator: 'notBlank', value: '', value2: '', points: 10, label: '' };
}

const headerSet = (headers: string[]) => new Set(headers.map((h) => normalizeLabel(h)));

/** The columns a preset's rules look at that the sheet does not have, in rule order. */
export function presetMissingColumns(preset: ScoringPreset, headers: string[]): string[] {
  const have = headerSet(headers);
  const out: string[] = [];
  for (const r of preset.rules) if (!have.has(normalizeLabel(r.column)) && !out.includes(r.column)) out.push(r.column);
  return out;
}

/** A header that probably means the same as a preset's column name ("Email" ~ "Email Address"), or ''. */
export function guessHeader(name: string, headers: string[]): string {
  const n = normalizeLabel(name);
  const exact = headers.find((h) => normalizeLabel(h) === n);
  if (exact) return exact;
  return headers.find((h) => {
    const k = normalizeLabel(h);
    return k.length >= 4 && n.length >= 4 && (k.includes(n) || n.includes(k));
  }) ?? '';
}

/**
 * Replaces the rules, caps and thresholds with a preset's. `mapping` points each of the preset's
 * missing columns at a header of the sheet; a column mapped to '' leaves its rules out.
 */
export function applyPreset(d: Draft, preset: ScoringPreset, mapping: Record<string, string>): { added: number; left: number } {
  const rules: RuleDraft[] = [];
  let left = 0;
  for (const r of preset.rules) {
    const column = r.column in mapping ? mapping[r.column] : r.column;
    if (!column) {
      left++;
      continue;
    }
    rules.push({ ...r, column, id: newId() });
  }
  d.rules = rules;
  d.caps = { ...preset.caps };
  d.mql = { ...preset.mql };
  d.sql = { ...preset.sql };
  d.temperature = { ...preset.temperature };
  return { added: rules.length, left };
}

/** A number typed in an input: NaN for blank (Number('') is 0, which would hide the mistake). */
export function numberInput(text: string): number {
  const t = text.trim();
  return t === '' ? NaN : Number(t);
}
