/**
 * A first setup for a leads sheet nobody has set up: which column holds the arrival date, the
 * status, a won/lost outcome, the source, the owner, the deal value, stage dates and stage flags,
 * and the pipeline its statuses describe. Every pick says how it was made and whether it is sure
 * (an exact header a CRM writes) or a guess (a near header, or the values alone), so the sidebar
 * and the report can show guesses first and never apply one silently.
 */
import { isFlagSet } from '../evidence';
import { Cell, columnLetter, isBlank, normalizeLabel } from '../values';
import { COLUMN_FIELDS, ColumnField, Setup, defaultSetup } from '../setup';
import { DEFAULT_PIPELINE, Pipeline } from '../pipeline';
import { ColumnProfile, HEADER_HINTS, ValueRole, headerScore, headerWords, profileColumns, valuesFit } from './columns';
import { isYesOrNo, meaningOf, outcomeWord, plainWords } from './lexicon';
import { PipelineProposal, placedShare, proposePipeline } from './pipeline';

export { proposePipeline, mergeSpellings, type PipelineProposal, type StatusReading } from './pipeline';
export { profileColumns, headerWords, type ColumnProfile } from './columns';
export { meaningOf, outcomeWord, plainWords } from './lexicon';
export { PROFILES } from './profiles';

/** One column the proposal picked, and why. `field` is a setup column field, or "stageDate:<stage>" / "stageFlag:<stage>". */
export interface Pick {
  field: string;
  /** What the field is, for people: "Arrival date", "Date reached Customer". */
  label: string;
  header: string;
  index: number;
  sure: boolean;
  why: string;
  /** What the leads read say against the guess, when they do (a stage flag yes for most leads still before its stage). */
  caution?: string;
}

export interface Proposal {
  setup: Setup;
  picks: Pick[];
  pipeline: PipelineProposal;
  /** Things a person should know about the proposal, one sentence each. */
  notes: string[];
  /** Exits the proposal stops at a later stage than their words say, because every lead of theirs has that stage's date or flag. */
  laterExits?: LaterExit[];
}

/** "Lost" stopped at Engaging, not Prospecting: every one of its `leads` has a date (or yes) in `header`. */
export interface LaterExit {
  exit: string;
  leads: number;
  /** The stage its words gave it, and the stage the proposal stops it at. */
  from: string;
  to: string;
  header: string;
  kind: 'date' | 'flag';
}

export interface ProposeOptions {
  /** Columns the user named (by header), which no guess overrides: `{ status: 'Lifecycle Stage' }`. */
  map?: Partial<Record<ColumnField, string>>;
  /** How many rows to look at for the columns' values (every row's status is counted). */
  sampleSize?: number;
  /** Columns whose numbers are dates (serial numbers, as a build's rows carry them). */
  dateColumns?: ReadonlySet<number>;
}

const SURE = 90;
const FIELD_ORDER: ValueRole[] = ['arrived', 'removedAt', 'lastActivity', 'value', 'source', 'owner', 'firstResponse', 'attempts', 'nextStep', 'outcome'];

/** Words around a stage name in a date or flag header: "Became a Customer Date", `Date entered "Won (Sales Pipeline)"`, "Is Converted?". */
const STAGE_HEADER = /^(?:became an? |date entered |entered |date reached |reached |date (?:de |d |of |du |do |da )?|fecha (?:de )?|datum |data (?:de |do |da )?|is |has |was )?(.*?)(?: sales pipeline| pipeline)?(?: date| time| on| at| datum| fecha| data| y n| flag)*$/;

/**
 * The stage words of a date or flag header ("became a customer date" → "customer"). An export's
 * object prefix ("Deal - Won time") goes, unless it is the stage itself ("Opportunity Date").
 */
function stageWords(header: string): string {
  const strip = (words: string) => {
    const m = STAGE_HEADER.exec(words);
    return (m ? m[1] : words).trim();
  };
  const bare = strip(headerWords(header));
  return bare && !/^(date|time|on|at)$/.test(bare) ? bare : strip(plainWords(header));
}

/** Two labels for the same stage: equal, or the same stem ("engage" and "Engaging", "convert" and "Converted"). */
function sameStage(a: string, b: string): boolean {
  const x = plainWords(a);
  const y = plainWords(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const stem = (s: string) => s.replace(/(ing|ed|es|s|e|ment|ion)$/, '');
  return x.length >= 4 && y.length >= 4 && stem(x) === stem(y);
}

/** Exact spellings with their counts in one column. */
function valueCounts(rows: unknown[][], index: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const v = row[index];
    if (isBlank(v)) continue;
    const s = String(v).trim();
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

/** A column whose values are all won / lost / open (Pipedrive's "Deal - Status", Zoho's "Forecast Type"). */
function isOutcomeColumn(p: ColumnProfile, counts: Map<string, number>): boolean {
  if (p.filled === 0 || p.dates > 0.1) return false;
  const kinds = new Set<string>();
  let known = 0;
  let total = 0;
  for (const [value, count] of counts) {
    total += count;
    const w = outcomeWord(value);
    if (w) {
      kinds.add(w);
      known += count;
    }
  }
  return known >= total * 0.95 && kinds.size >= 2 && (kinds.has('won') || kinds.has('lost'));
}

/**
 * Whether a stage date or flag marking `marked` of the `open` leads whose status is still before
 * its stage casts doubt on it: more than half of them, and enough of them (below 10 it says little).
 * The sidebar's caution and the report command's line both ask this.
 */
export function marksMostOpen(open: number, marked: number): boolean {
  return open >= 10 && marked * 2 > open;
}

/**
 * A stage flag guessed from its header that is yes for most of the leads whose status is still
 * open before its stage may not mean that stage (Zoho's sample export marks 93% of its leads
 * CONVERTED whatever their status): what the leads read say, for the person checking the guess.
 */
function flagCaution(rows: unknown[][], statusAt: number, flagAt: number, stage: string, pipeline: Pipeline): string | undefined {
  const flagStage = pipeline.stageIndex(stage);
  // Whether a status is open before the flag's stage, once per distinct status (the report reads every row).
  const openBefore = new Map<unknown, boolean>();
  let before = 0;
  let marked = 0;
  for (const row of rows) {
    const cell = row[statusAt];
    let open = openBefore.get(cell);
    if (open === undefined) {
      const own = isBlank(cell) ? undefined : pipeline.resolve(String(cell));
      openBefore.set(cell, (open = !!own && own.exit < 0 && own.stage < flagStage));
    }
    if (!open) continue;
    before++;
    if (isFlagSet(row[flagAt] as Cell)) marked++;
  }
  if (!marksMostOpen(before, marked)) return undefined;
  return `It is also yes for ${marked.toLocaleString('en-US')} of the ${before.toLocaleString('en-US')} leads read whose status is still before ${stage}, so it may not mean they reached ${stage}. If so, choose no column for it.`;
}

/**
 * Exits whose every lead (at least ten) has the date or the yes of a stage later than the one the
 * exit's words stop it at, and before the last stage: its leads left after reaching that stage (a
 * pipeline export where every lost deal has an engage date), so the proposal stops the exit there.
 * The funnel counts those leads at that stage either way; what moves is where the setup says the
 * exit happens, and where a lead with that status and no date is counted. A flag with a caution
 * (yes for most leads still before its stage) says too little to move anything.
 */
function exitsAfterEvidence(rows: unknown[][], statusAt: number, resultAt: number, evidence: { stage: string; at: number; header: string; kind: 'date' | 'flag' }[], pipeline: Pipeline, exits: Setup['exits']): LaterExit[] {
  const last = pipeline.stageNames.length - 1;
  const filled = (kind: 'date' | 'flag', cell: unknown) => (kind === 'flag' ? isFlagSet(cell as Cell) : cell instanceof Date || (typeof cell === 'number' && cell > 0));
  const leads = exits.map(() => 0);
  const marked = exits.map(() => evidence.map(() => 0));
  const resolved = new Map<unknown, ReturnType<Pipeline['resolve']>>();
  const resolve = (cell: unknown) => {
    if (isBlank(cell)) return undefined;
    if (!resolved.has(cell)) resolved.set(cell, pipeline.resolve(String(cell)));
    return resolved.get(cell);
  };
  for (const row of rows) {
    // Won/lost names the exit when it names one, as the sheets read it.
    const result = resultAt >= 0 ? resolve(row[resultAt]) : undefined;
    const own = result && result.exit >= 0 ? result : statusAt >= 0 ? resolve(row[statusAt]) : undefined;
    if (!own || own.exit < 0) continue;
    leads[own.exit]++;
    evidence.forEach((e, k) => { if (filled(e.kind, row[e.at])) marked[own.exit][k]++; });
  }
  const later: LaterExit[] = [];
  exits.forEach((exit, x) => {
    if (leads[x] < 10) return;
    const from = pipeline.stageIndex(exit.from);
    const reached = evidence
      .filter((e, k) => marked[x][k] === leads[x])
      .map((e) => ({ e, index: pipeline.stageIndex(e.stage) }))
      .filter(({ index }) => index > from && index < last)
      .sort((a, b) => b.index - a.index)[0];
    if (reached) later.push({ exit: exit.name, leads: leads[x], from: exit.from, to: reached.e.stage, header: reached.e.header, kind: reached.e.kind });
  });
  return later;
}

export function proposeSetup(sheetName: string, headers: unknown[], rows: unknown[][], opts: ProposeOptions = {}): Proposal {
  const sample = rows.length > (opts.sampleSize ?? 5000) ? rows.filter((_, i) => i % Math.ceil(rows.length / (opts.sampleSize ?? 5000)) === 0) : rows;
  const profiles = profileColumns(headers, sample, opts.dateColumns);
  const picks: Pick[] = [];
  const notes: string[] = [];
  const taken = new Set<number>();
  const byHeader = (h: string) => profiles.find((p) => normalizeLabel(p.header) === normalizeLabel(h));
  const pick = (field: string, label: string, p: ColumnProfile, sure: boolean, why: string) => {
    picks.push({ field, label, header: p.header, index: p.index, sure, why });
    taken.add(p.index);
  };
  const forced = opts.map ?? {};
  for (const [field, header] of Object.entries(forced)) {
    const p = header ? byHeader(header) : undefined;
    if (p) pick(field, COLUMN_FIELDS[field as ColumnField], p, true, 'you chose it');
  }
  const picked = (field: string) => picks.find((x) => x.field === field);

  // --- The status: the column of labels a pipeline places best; a won/lost column beside it. ----
  const outcomeColumns = profiles.filter((p) => !taken.has(p.index) && isOutcomeColumn(p, valueCounts(sample, p.index)));
  let status = picked('status');
  let proposal: PipelineProposal | undefined;
  if (!status) {
    const candidates = profiles
      .filter((p) => !taken.has(p.index) && p.filled > 0 && p.dates < 0.2 && p.numbers < 0.5 && p.yesNo < 0.9 && p.distinctCount <= 200 && p.longest <= 80)
      .map((p) => {
        const counts = valueCounts(rows, p.index);
        const prop = proposePipeline(counts, []);
        const outcome = outcomeColumns.includes(p) && outcomeColumns.length < profiles.length;
        const header = headerScore(p.words, 'status');
        const score = placedShare(prop) * 100 + header * 0.6 + (prop.profile ? 15 : 0) + Math.min(prop.def.stages.length, 6) * 2 - (outcome ? 60 : 0) - (p.distinctCount < 2 ? 30 : 0);
        return { p, prop, score, header, share: placedShare(prop) };
      })
      .filter((c) => c.share >= 0.5 || c.header >= SURE)
      .sort((a, b) => b.score - a.score);
    const best = candidates[0];
    if (best) {
      const sure = best.header >= SURE && best.share >= 0.9;
      pick('status', COLUMN_FIELDS.status, best.p, sure,
        `${Math.round(best.share * 100)}% of its values are statuses ${best.prop.profile ? `of ${best.prop.from}` : 'LeadFlow recognises'}${best.header ? '' : ' (its header does not say so)'}`);
      status = picked('status');
    }
  }
  const result = picked('result') ?? (() => {
    const p = outcomeColumns.find((c) => !taken.has(c.index));
    if (!p || !status) return undefined;
    pick('result', COLUMN_FIELDS.result, p, headerScore(p.words, 'status') > 0 || /forecast|outcome|result/.test(p.words), 'its values are won, lost and open');
    return picked('result');
  })();
  const statusCounts = status ? valueCounts(rows, status.index) : new Map<string, number>();
  const outcomes = result ? [...valueCounts(sample, result.index).keys()] : [];
  proposal = proposePipeline(statusCounts, outcomes);

  // --- Dates: arrival, then stage dates (a date column named after a stage). ----------------------
  const dateColumns = profiles.filter((p) => p.dates >= 0.6);
  const hinted = (p: ColumnProfile, role: ValueRole) => headerScore(p.words, role) > 0 && valuesFit(p, role);
  let stages = proposal.def.stages.map((s) => s.name);
  const stageOf = (words: string) => {
    if (!words) return -1;
    return proposal!.def.stages.findIndex((s) => [s.name, ...s.aliases].some((n) => sameStage(n, words)));
  };
  const noStatus = !status;
  const stageDates: { p: ColumnProfile; words: string }[] = [];
  for (const p of dateColumns) {
    if (taken.has(p.index)) continue;
    const words = stageWords(p.header);
    const explicit = /^(became|date entered|entered|date reached|reached)\b/.test(p.words);
    const nonStage = /\b(expected|next|due|birth|birthday|modified|updated|update|last|close|closing|created|create|creation)\b/.test(p.words) || hinted(p, 'removedAt') || hinted(p, 'lastActivity');
    if (nonStage && !explicit) continue;
    if (stageOf(words) >= 0 || ((explicit || noStatus) && meaningOf(words)?.kind === 'stage')) stageDates.push({ p, words });
  }
  // Stages only dates show (a sheet with no status, or a "Became a …" the statuses never name) join the pipeline by meaning.
  const extraStage = (words: string, header: string) => {
    const meaning = meaningOf(words);
    if (meaning?.kind !== 'stage') return -1;
    const name = header.replace(/^(became an?|date entered|entered|date reached|reached)\s+/i, '').replace(/\s*\(?(date|time|datum|fecha|data|y\/n|flag)\)?\s*\??$/i, '').replace(/^["“]|["”]$/g, '').trim() || words;
    let at = proposal!.ranks.findIndex((r) => r > meaning.rank);
    if (at < 0) at = proposal!.ranks.length;
    if (proposal!.ranks.includes(meaning.rank)) return proposal!.ranks.indexOf(meaning.rank);
    proposal!.def.stages.splice(at, 0, { name: name.charAt(0).toUpperCase() + name.slice(1), aliases: [] });
    proposal!.ranks.splice(at, 0, meaning.rank);
    return at;
  };
  const datedStages: { stage: string; p: ColumnProfile; sure: boolean }[] = [];
  for (const { p, words } of stageDates) {
    let k = stageOf(words);
    const sure = k >= 0 && /^(became|date entered)\b/.test(p.words);
    if (k < 0) k = extraStage(words, p.header);
    if (k >= 0 && !datedStages.some((d) => d.stage === proposal!.def.stages[k].name)) datedStages.push({ stage: proposal.def.stages[k].name, p, sure });
  }
  // Stage flags: a yes/no column named after a stage (Zoho's CONVERTED).
  const flaggedStages: { stage: string; p: ColumnProfile }[] = [];
  for (const p of profiles) {
    if (taken.has(p.index) || p.yesNo < 0.9 || p.distinctCount > 6) continue;
    const words = stageWords(p.header);
    let k = stageOf(words);
    if (k < 0) k = extraStage(words, p.header);
    if (k >= 0 && !flaggedStages.some((f) => f.stage === proposal!.def.stages[k].name)) flaggedStages.push({ stage: proposal.def.stages[k].name, p });
  }
  stages = proposal.def.stages.map((s) => s.name);
  if (stages.length === 0) {
    proposal.def = { stages: DEFAULT_PIPELINE.stages.map((s) => ({ ...s, aliases: [...s.aliases] })), exits: DEFAULT_PIPELINE.exits.map((e) => ({ ...e, aliases: [...e.aliases] })) };
    proposal.from = "LeadFlow's default pipeline";
    proposal.ranks = [10, 30, 40, 60, 100];
  }
  // Re-read every status against the final pipeline (stages from dates or flags may have joined it).
  const finalPipeline = new Pipeline(proposal.def);
  proposal.statuses = proposal.statuses.map((s) => {
    const r = finalPipeline.resolve(s.status);
    return { ...s, means: !r ? null : r.exit >= 0 ? proposal!.def.exits[r.exit].name : proposal!.def.stages[r.stage].name };
  });

  // A date column named after a removing exit ("Date entered Closed Lost", "Lost time") says when a lead left.
  if (!picked('removedAt')) {
    const exitDate = dateColumns.find((p) => !taken.has(p.index) && proposal!.def.exits.some((e) => e.removes && [e.name, ...e.aliases].some((n) => sameStage(n, stageWords(p.header)))));
    if (exitDate) pick('removedAt', COLUMN_FIELDS.removedAt, exitDate, /^(date entered|entered|lost)\b/.test(exitDate.words), 'its header names an exit');
  }

  // --- Every other column, by header first, values second. -----------------------------------------
  for (const role of FIELD_ORDER) {
    if (picked(role)) continue;
    const ranked = profiles
      .filter((p) => !taken.has(p.index) || (role === 'arrived' && datedStages.some((d) => d.p === p)))
      .map((p) => ({ p, score: headerScore(p.words, role) }))
      .filter((c) => c.score > 0 && valuesFit(c.p, role))
      .sort((a, b) => b.score - a.score);
    const best = ranked[0];
    if (best) {
      const sure = best.score >= SURE;
      pick(role, COLUMN_FIELDS[role], best.p, sure, sure ? 'its header says so' : `its header "${best.p.header}" looks like one`);
    } else if (role === 'arrived') {
      // No arrival column: the first stage's date stands in for it (a first-contact date), as a guess.
      const first = datedStages.find((d) => finalPipeline.stageIndex(d.stage) === 0) ?? datedStages[0];
      if (first) pick('arrived', COLUMN_FIELDS.arrived, first.p, false, `no column says when leads arrived; "${first.p.header}" is the earliest stage date`);
    } else if (role === 'source') {
      const channel = profiles.find((p) => !taken.has(p.index) && valuesFit(p, 'source') && p.distinct.filter(([v]) => CHANNEL.test(plainWords(v))).length >= Math.min(3, p.distinctCount));
      if (channel) pick('source', COLUMN_FIELDS.source, channel, false, 'its values look like lead sources');
    }
  }
  // The first stage's date is the arrival itself when they are one column: no need to say it twice.
  const arrival = picked('arrived');
  for (const d of datedStages.filter((d) => !(arrival && d.p.index === arrival.index && finalPipeline.stageIndex(d.stage) === 0))) picks.push({ field: `stageDate:${d.stage}`, label: `Date reached ${d.stage}`, header: d.p.header, index: d.p.index, sure: d.sure, why: d.sure ? 'its header names the stage' : `its header "${d.p.header}" names the stage ${d.stage}` });
  for (const f of flaggedStages) {
    const caution = status ? flagCaution(rows, status.index, f.p.index, f.stage, finalPipeline) : undefined;
    picks.push({ field: `stageFlag:${f.stage}`, label: `Reached ${f.stage} (yes/no)`, header: f.p.header, index: f.p.index, sure: false, why: `a yes/no column named after the stage ${f.stage}`, ...(caution ? { caution } : {}) });
  }

  const setup = defaultSetup(sheetName);
  setup.stages = proposal.def.stages;
  setup.exits = proposal.def.exits;
  for (const p of picks) {
    if (p.field.startsWith('stageDate:')) setup.columns.stageDates[p.field.slice(10)] = p.header;
    else if (p.field.startsWith('stageFlag:')) setup.columns.stageFlags[p.field.slice(10)] = p.header;
    else setup.columns[p.field as ColumnField] = p.header;
  }
  const evidence = picks
    .filter((p) => (p.field.startsWith('stageDate:') || p.field.startsWith('stageFlag:')) && !p.caution)
    .map((p) => ({ stage: p.field.slice(10), at: p.index, header: p.header, kind: p.field.startsWith('stageDate:') ? 'date' as const : 'flag' as const }));
  const laterExits = status && evidence.length ? exitsAfterEvidence(rows, status.index, result?.index ?? -1, evidence, finalPipeline, setup.exits) : [];
  for (const later of laterExits) setup.exits = setup.exits.map((exit) => (exit.name === later.exit ? { ...exit, from: later.to } : exit));
  proposal.def.exits = setup.exits;
  if (!status && datedStages.length === 0 && flaggedStages.length === 0) notes.push('No column holds a status, a stage date or a stage flag: only arrivals can be counted. Choose the status column in the setup.');
  if (!picked('arrived')) notes.push('No column holds dates: the funnel counts all leads, and the net lead flow needs an arrival date column.');
  return { setup, picks, pipeline: proposal, notes, ...(laterExits.length ? { laterExits } : {}) };
}

const CHANNEL = /\b(google|facebook|meta|linkedin|instagram|twitter|tiktok|youtube|bing|referral|referrals|referred|partner|web|website|webform|form|email|newsletter|organic|seo|sem|ppc|paid|ads|advert\w*|direct|event|events|trade show|webinar|cold call|cold|outbound|inbound|social|word of mouth|chat|phone|store|online|affiliate|campaign|salon|feria|messe|indicacao|recommandation|bouche a oreille|empfehlung)\b/;

/** The words a report or sidebar uses for a pick: 'Status: column J "Lead Status" (guess: …)'. */
export function describePick(p: Pick): string {
  return `${p.label}: column ${columnLetter(p.index)} "${p.header}"${p.sure ? '' : ` (a guess: ${p.why})`}`;
}

export { HEADER_HINTS, columnLetter };
