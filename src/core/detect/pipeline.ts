/**
 * A pipeline proposed from the statuses a sheet holds: a CRM's own pipeline when its statuses are
 * there (with statuses it does not know slotted in by meaning), else one built from the sheet's own
 * words, ordered by what they mean. Every status ends up placed (and marked a guess when only the
 * lexicon placed it) or listed as not placed.
 */
import { ExitDef, Pipeline, PipelineDef, StageDef } from '../pipeline';
import { normalizeLabel } from '../values';
import { Meaning, meaningOf, outcomeWord } from './lexicon';
import { PROFILES, PipelineProfile } from './profiles';

export interface StatusReading {
  status: string;
  count: number;
  /** The stage or exit it means in the proposal, or null when nothing could place it. */
  means: string | null;
  /** 'crm': the CRM's own list knows it; 'words': placed by what its words mean (a guess). */
  how: 'crm' | 'words' | null;
}

export interface PipelineProposal {
  def: PipelineDef;
  /** Where the pipeline came from, for people: "Zoho CRM's default lead statuses", "the statuses in the sheet". */
  from: string;
  profile?: string;
  /** Each stage's place on the lexicon's scale, for slotting in stages that only dates or flags show. */
  ranks: number[];
  statuses: StatusReading[];
}

/** The same label written several ways ("Won", "won ", "WON") as one, named by its most common spelling. */
export function mergeSpellings(counts: Iterable<[string, number]>): [string, number, string[]][] {
  const byLabel = new Map<string, { best: string; bestCount: number; total: number; spellings: string[] }>();
  for (const [spelling, count] of counts) {
    const key = normalizeLabel(spelling);
    if (!key) continue;
    const g = byLabel.get(key);
    if (!g) byLabel.set(key, { best: spelling.trim(), bestCount: count, total: count, spellings: [spelling] });
    else {
      g.total += count;
      g.spellings.push(spelling);
      if (count > g.bestCount) [g.best, g.bestCount] = [spelling.trim(), count];
    }
  }
  return [...byLabel.values()].sort((a, b) => b.total - a.total || a.best.localeCompare(b.best)).map((g) => [g.best, g.total, g.spellings]);
}

function signatureHits(profile: PipelineProfile, labels: Set<string>): number {
  return new Set(profile.signature.map(normalizeLabel).filter((s) => labels.has(s))).size;
}

const clone = (def: PipelineDef): PipelineDef => ({
  stages: def.stages.map((s) => ({ name: s.name, aliases: [...s.aliases] })),
  exits: def.exits.map((e) => ({ ...e, aliases: [...e.aliases] })),
});

/** The stage an exit leaves from: the furthest stage its own words prove (a "not qualified" lead was looked at), else the first. */
function exitFrom(stages: StageDef[], ranks: number[], fromRank: number): string {
  let k = 0;
  ranks.forEach((r, i) => {
    if (r <= fromRank) k = i;
  });
  return stages[k].name;
}

/**
 * Adds statuses by their meaning to a pipeline being built: a stage word joins the stage of the
 * same rank or becomes a stage in rank order; an exit word joins a like exit or becomes one.
 */
class Builder {
  readonly stages: StageDef[] = [];
  readonly ranks: number[] = [];
  readonly exits: (ExitDef & { fromRank: number })[] = [];

  constructor(base?: { def: PipelineDef; ranks: number[] }) {
    if (base) {
      const def = clone(base.def);
      this.stages.push(...def.stages);
      this.ranks.push(...base.ranks);
      // An exit from the CRM's first stage means "stage not recorded": it stays with whatever stage ends up first.
      for (const e of def.exits) {
        const from = this.stages.findIndex((s) => s.name === e.from);
        this.exits.push(from <= 0 ? { ...e, from: '', fromRank: -Infinity } : { ...e, fromRank: this.ranks[from] });
      }
    }
  }

  addStage(name: string, rank: number, aliases: string[] = []): string {
    const same = this.ranks.indexOf(rank);
    if (same >= 0) {
      this.stages[same].aliases.push(name, ...aliases);
      return this.stages[same].name;
    }
    let at = this.ranks.findIndex((r) => r > rank);
    if (at < 0) at = this.ranks.length;
    this.stages.splice(at, 0, { name, aliases: [...aliases] });
    this.ranks.splice(at, 0, rank);
    return name;
  }

  addExit(name: string, meaning: Extract<Meaning, { kind: 'exit' }>, aliases: string[] = []): string {
    const like = this.exits.find((e) => e.removes === meaning.removes && e.fromRank === meaning.fromRank && normalizeLabel(e.name) === normalizeLabel(name));
    if (like) {
      like.aliases.push(...aliases);
      return like.name;
    }
    this.exits.push({ name, from: '', aliases: [...aliases], removes: meaning.removes, fromRank: meaning.fromRank });
    return name;
  }

  /** An exit of the same kind already there (a CRM's "Closed Lost" for a plain "Lost"), to alias instead of adding. */
  likeExit(meaning: Extract<Meaning, { kind: 'exit' }>): (ExitDef & { fromRank: number }) | undefined {
    return this.exits.find((e) => e.removes === meaning.removes && (meaning.fromRank <= 10 ? e.fromRank <= 10 : e.fromRank === meaning.fromRank));
  }

  def(): PipelineDef {
    if (this.stages.length === 0) return { stages: [], exits: [] };
    const exits = this.exits.map(({ fromRank, ...e }) => ({ ...e, from: e.from || exitFrom(this.stages, this.ranks, fromRank) }));
    return { stages: this.stages, exits };
  }
}

function readings(def: PipelineDef, merged: [string, number, string[]][], guessed: Set<string>): StatusReading[] {
  if (def.stages.length === 0) return merged.map(([status, count]) => ({ status, count, means: null, how: null }));
  const pipeline = new Pipeline(def);
  return merged.map(([status, count]) => {
    const r = pipeline.resolve(status);
    const means = !r ? null : r.exit >= 0 ? def.exits[r.exit].name : def.stages[r.stage].name;
    return { status, count, means, how: !r ? null : guessed.has(normalizeLabel(status)) ? 'words' : 'crm' };
  });
}

/**
 * The pipeline for these statuses (each with its number of leads). `outcomes` are the values of a
 * won/lost column, if the sheet has one: its "won" and "lost" must resolve too.
 */
export function proposePipeline(statusCounts: Iterable<[string, number]>, outcomes: string[] = []): PipelineProposal {
  const merged = mergeSpellings(statusCounts);
  const labels = new Set(merged.map(([s]) => normalizeLabel(s)));
  const total = merged.reduce((n, [, c]) => n + c, 0);

  // A CRM's own pipeline, when its telltale statuses are there and it places most leads itself.
  const candidates = PROFILES.filter((p) => signatureHits(p, labels) >= 2).map((profile) => {
    const pipeline = new Pipeline(profile.pipeline);
    const covered = merged.reduce((n, [s, c]) => n + (pipeline.resolve(s) ? c : 0), 0);
    const seenStages = new Set(merged.map(([s]) => pipeline.resolve(s)).filter((r) => r && r.exit < 0).map((r) => r!.stage));
    return { profile, pipeline, covered, hits: signatureHits(profile, labels), unseen: profile.pipeline.stages.length - seenStages.size };
  }).sort((a, b) => b.covered - a.covered || b.hits - a.hits || a.unseen - b.unseen);
  const chosen = candidates.find((c) => c.covered >= total * 0.5);

  const builder = new Builder(chosen && { def: chosen.profile.pipeline, ranks: chosen.profile.ranks });
  const guessed = new Set<string>();
  const pending: { status: string; spellings: string[]; meaning: Meaning }[] = [];
  for (const [status, , spellings] of merged) {
    if (chosen?.pipeline.resolve(status)) continue;
    const meaning = meaningOf(status);
    if (!meaning) continue;
    pending.push({ status, spellings: spellings.filter((s) => s.trim() !== status), meaning });
    guessed.add(normalizeLabel(status));
  }
  // Stages first (most frequent first within a rank, so the commonest spelling names the stage), then exits.
  for (const p of pending) if (p.meaning.kind === 'stage') builder.addStage(p.status, p.meaning.rank, p.spellings);
  for (const p of pending) {
    if (p.meaning.kind !== 'exit') continue;
    const like = chosen ? builder.likeExit(p.meaning) : undefined;
    if (like) like.aliases.push(p.status, ...p.spellings);
    else builder.addExit(p.status, p.meaning, p.spellings);
  }
  // A won/lost column's words must mean the win and a loss.
  for (const word of outcomes) {
    const kind = outcomeWord(word);
    if (!kind || kind === 'open' || builder.def().stages.length === 0) continue;
    const pipeline = new Pipeline(builder.def());
    if (pipeline.resolve(word)) continue;
    if (kind === 'won') {
      const last = builder.ranks.length - 1;
      if (builder.ranks[last] === 100) builder.stages[last].aliases.push(word);
      else builder.addStage('Won', 100, normalizeLabel(word) === 'won' ? [] : [word]);
    } else {
      const meaning = { kind: 'exit', removes: true, fromRank: 10, family: 'lost' } as const;
      const like = builder.likeExit(meaning);
      if (like) like.aliases.push(word);
      else builder.addExit('Lost', meaning, normalizeLabel(word) === 'lost' ? [] : [word]);
    }
  }
  const def = builder.def();
  return {
    def,
    from: chosen ? chosen.profile.label : 'the statuses in the sheet',
    profile: chosen?.profile.id,
    ranks: [...builder.ranks],
    statuses: readings(def, merged, guessed),
  };
}

/** How sure a status column is: the share of its leads a proposal places. */
export function placedShare(p: PipelineProposal): number {
  const total = p.statuses.reduce((n, s) => n + s.count, 0);
  return total ? p.statuses.reduce((n, s) => n + (s.means ? s.count : 0), 0) / total : 0;
}
