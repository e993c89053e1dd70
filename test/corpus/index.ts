/**
 * A corpus of generated CRM exports, each shaped as the real tool writes it, each with exact ground
 * truth computed from the simulated journeys that produced it. Nothing here comes from real CRM data
 * and nothing is imported from src/: the truth is independent of the product.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { handKeptExports } from './exports/handkept.ts';
import { hubspotExports } from './exports/hubspot.ts';
import { otherExports } from './exports/other.ts';
import { pipedriveExports } from './exports/pipedrive.ts';
import { salesforceExports } from './exports/salesforce.ts';
import { zohoExports } from './exports/zoho.ts';
import type { CorpusExport } from './lib/types.ts';

export type { CorpusExport, Truth } from './lib/types.ts';

/** Every export, generated afresh (same seeds, so the same files and truths every time). */
export function corpus(): CorpusExport[] {
  return [...hubspotExports(), ...salesforceExports(), ...pipedriveExports(), ...zohoExports(), ...handKeptExports(), ...otherExports()];
}

/** Writes every export into dir; returns id → written path. */
export async function writeCorpus(dir: string): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const out: Record<string, string> = {};
  for (const e of corpus()) {
    const path = join(dir, e.fileName);
    writeFileSync(path, await e.bytes());
    out[e.id] = path;
  }
  return out;
}
