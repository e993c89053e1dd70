/** Small helpers shared by the export generators. */
import { encode, type Encoding } from './text.ts';
import type { CorpusExport, Truth } from './types.ts';
import type { Rng } from './prng.ts';
import { sourceKey } from './truth.ts';

export interface ExportMeta {
  id: string;
  tool: string;
  fileName: string;
  timeZone: string;
}

/** A text export: the bytes are encoded afresh from the same text on every call. */
export function textExport(meta: ExportMeta, truth: Truth, text: string, encoding: Encoding): CorpusExport {
  return { ...meta, truth, bytes: async () => encode(text, encoding) };
}

/**
 * Sources as a hand-kept sheet spells them: each channel has a usual spelling and a few variants
 * (case, outer or doubled inner spaces) typed now and then.
 */
export interface SourceSpec {
  channels: { name: string; weight: number; variants?: string[]; variantRate?: number }[];
  blank: number;
}

export function drawSource(rng: Rng, spec: SourceSpec): string {
  const total = spec.channels.reduce((s, c) => s + c.weight, 0) + spec.blank;
  let r = rng.next() * total;
  for (const c of spec.channels) {
    r -= c.weight;
    if (r < 0) {
      if (c.variants?.length && rng.chance(c.variantRate ?? 0.15)) {
        const v = rng.pick(c.variants);
        if (sourceKey(v) !== sourceKey(c.name)) throw new Error(`variant ${JSON.stringify(v)} is not a spelling of ${c.name}`);
        return v;
      }
      return c.name;
    }
  }
  return '';
}

/** Weighted choice from a plain table. */
export function pickW<T>(rng: Rng, table: readonly (readonly [T, number])[]): T {
  return rng.weighted(table);
}

/** A money amount in cents, a multiple of `step` cents, between lo and hi whole units, skewed low. */
export function amountCents(rng: Rng, lo: number, hi: number, stepCents = 100): number {
  const u = rng.next();
  const v = lo + (hi - lo) * u * u;
  return Math.max(stepCents, Math.round((v * 100) / stepCents) * stepCents);
}
