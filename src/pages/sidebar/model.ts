/**
 * The setup as the sidebar edits it. Stages and exits carry ids, so renaming or reordering a stage
 * keeps the exits that leave after it and its stage-date column attached; rules carry ids so their
 * live counts follow them. setupFromDraft turns it back into the one Setup shape that
 * validateSetup and the server take. Pure functions only: no DOM here (tested in node).
 */
import { meaningOf, type Pick } from '../../core/detect';
import type { Meaning } from '../../core/detect/lexicon';
import type { ScoringPreset } from '../../core/scoring';
import { COLUMN_FIELDS, ColumnField, Rule, SETUP_VERSION, Setup } from '../../core/setup';
import { normalizeLabel, numericDateParts } from '../../core/values';

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
 * (over names and aliases; exits win ties for words like "lost", "junk"); else by what its words
 * mean (core/detect's lexicon): for a stage word, the furthest stage it proves ("Call Back" →
 * Attempted to Contact), for an exit word an exit of the same kind; else the first stage.
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
  const byMeaning = suggestByMeaning(d, status);
  if (byMeaning) return byMeaning;
  return d.stages[0] ? { kind: 'stage', id: d.stages[0].id } : undefined;
}

/** What a stage or exit means: its name's meaning, else its first alias that has one. */
function meaningOfItem(item: { name: string; aliases: string[] }): Meaning | undefined {
  for (const label of [item.name, ...item.aliases]) {
    const m = meaningOf(label);
    if (m) return m;
  }
  return undefined;
}

function suggestByMeaning(d: Draft, status: string): Target | undefined {
  const m = meaningOf(status);
  if (!m) return undefined;
  if (m.kind === 'stage') {
    let pick: { id: number; rank: number } | undefined;
    for (const s of d.stages) {
      const sm = meaningOfItem(s);
      if (sm?.kind === 'stage' && sm.rank <= m.rank && (!pick || sm.rank >= pick.rank)) pick = { id: s.id, rank: sm.rank };
    }
    return pick ? { kind: 'stage', id: pick.id } : undefined;
  }
  const exits = d.exits.map((e) => ({ e, em: meaningOfItem(e) }));
  const same = exits.find(({ em }) => em?.kind === 'exit' && em.family === m.family)
    ?? exits.find(({ e, em }) => em?.kind === 'exit' && e.removes === m.removes)
    ?? exits.find(({ e }) => e.removes === m.removes);
  return same ? { kind: 'exit', id: same.e.id } : undefined;
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

// ---------------------------------------------------------------- a proposed setup

/**
 * The control a pick fills in, as the sidebar keys it: `col-<field>` for a column, `sd-<stage id>`
 * for a stage's date column, `sf-<stage id>` for a stage's yes/no column.
 */
export type GuessKey = string;

export interface Applied {
  /** Picks that are guesses, by the control they filled in: shown first, never applied silently. */
  guesses: Map<GuessKey, Pick>;
  /** Picks that are sure (an exact header a CRM writes): simply filled in. */
  sure: Pick[];
  /** Stage dates or flags for a stage the draft's pipeline does not have (a kept pipeline). */
  dropped: Pick[];
}

/** The stage of the draft with this name (spelled any way), else one that has it as an alias. */
export function stageByName(d: Draft, name: string): StageDraft | undefined {
  const key = normalizeLabel(name);
  return d.stages.find((s) => normalizeLabel(s.name) === key) ?? d.stages.find((s) => s.aliases.some((a) => normalizeLabel(a) === key));
}

/**
 * Puts a proposal (core/detect proposeSetup) into the draft: its columns, stage dates and stage
 * flags always; its stages and exits only with `withPipeline` (else the user's pipeline stays and
 * stage columns go to the stage of the same name). Rules, thresholds and the leads sheet stay.
 */
export function applyProposal(d: Draft, p: Pick[] | { picks: Pick[]; setup: Setup }, withPipeline: boolean): Applied {
  const picks = Array.isArray(p) ? p : p.picks;
  if (withPipeline && !Array.isArray(p)) {
    const fresh = draftFromSetup(p.setup);
    d.stages = fresh.stages;
    d.exits = fresh.exits;
  }
  for (const k of COLUMN_KEYS) d.columns[k] = '';
  for (const s of d.stages) {
    s.dateColumn = '';
    s.flagColumn = '';
  }
  const out: Applied = { guesses: new Map(), sure: [], dropped: [] };
  for (const pick of picks) {
    let key: GuessKey;
    const stage = /^stage(Date|Flag):(.*)$/.exec(pick.field);
    if (stage) {
      const s = stageByName(d, stage[2]);
      if (!s) {
        out.dropped.push(pick);
        continue;
      }
      if (stage[1] === 'Date') s.dateColumn = pick.header;
      else s.flagColumn = pick.header;
      key = `${stage[1] === 'Date' ? 'sd' : 'sf'}-${s.id}`;
    } else if (pick.field in COLUMN_FIELDS) {
      d.columns[pick.field as ColumnField] = pick.header;
      key = `col-${pick.field}`;
    } else continue;
    if (pick.sure) out.sure.push(pick);
    else out.guesses.set(key, pick);
  }
  return out;
}

/** The stages and exits of a draft as plain data, to tell whether the user changed the pipeline. */
export function pipelineKey(d: Draft): string {
  return JSON.stringify([d.stages.map((s) => [s.name, s.aliases]), d.exits.map((e) => [e.name, exitFromName(d, e), e.aliases, e.removes])]);
}

const ORDINAL = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;

/**
 * Where a status placed by its words alone sits now, for people: "→ Attempted to Contact", or
 * "its own stage, 4th of 4" when the pipeline was built from the sheet's statuses; undefined when
 * it matches nothing any more (it is then listed among the statuses not counted).
 */
export function placement(d: Draft, status: string): string | undefined {
  const t = statusResolver(d)(status);
  if (!t) return undefined;
  const item = targetItem(d, t);
  if (!item) return undefined;
  if (normalizeLabel(item.name) !== normalizeLabel(status)) return `→ ${item.name || '(unnamed)'}`;
  if (t.kind === 'stage') return `its own stage, ${ORDINAL(d.stages.indexOf(item as StageDraft) + 1)} of ${d.stages.length}`;
  const from = exitFromName(d, item as ExitDraft);
  return `its own exit${from ? `, after ${from}` : ''}`;
}

// ---------------------------------------------------------------- statuses not counted, dates in the wrong order

export interface NotCounted {
  /** Leads whose status matches no stage or exit. */
  leads: number;
  /** Their share of all lead rows, 0..1 (0 when there are none). */
  share: number;
}

export function notCounted(unmatched: StatusTally[], total: number): NotCounted {
  const leads = unmatched.reduce((n, u) => n + u.count, 0);
  return { leads, share: total > 0 ? leads / total : 0 };
}

/** A share as people read it: "10%", "0.4%", "< 0.1%". */
export function percent(share: number): string {
  if (share <= 0) return '0%';
  if (share < 0.001) return '< 0.1%';
  if (share < 0.01) return `${(Math.round(share * 1000) / 10).toLocaleString('en-US')}%`;
  return `${Math.round(share * 100)}%`;
}

/** A text date of the column that reads only day first ("20/10/2017"), from the sheet's own rows, else undefined. */
export function dayFirstExample(rows: unknown[][], column: number): string | undefined {
  for (const r of rows) {
    const v = r[column];
    if (typeof v !== 'string') continue;
    const parts = numericDateParts(v);
    if (parts && parts[0] > 12 && parts[1] <= 12) return v.trim();
  }
  return undefined;
}

/** A sheet name not among `taken`: the name, then "name (2)", "name (3)"... (as the server picks it). */
export function freeSheetName(taken: string[], base: string): string {
  let name = base;
  for (let n = 2; taken.includes(name); n++) name = `${base} (${n})`;
  return name;
}
