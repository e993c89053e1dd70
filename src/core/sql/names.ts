/**
 * The leads' table as BigQuery names it: a table name checked part by part, the setup's headers
 * as column names (as they are, or in snake_case as CRM syncs write them), and which columns hold
 * dates. The build dialog's BigQuery panel and `leadflow sql` both read them from here.
 */
import type { ColumnField, Setup } from '../setup';
import type { ColumnKind } from './model';

export type NameStyle = 'headers' | 'snake';
export type DateStorage = 'timestamp' | 'wall';

/** The table as typed, without the backticks BigQuery's console adds when it copies a name. */
export const cleanTable = (text: string): string => text.replace(/`/g, '').trim();

const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** A domain-scoped project ID: example.com:my-project. */
const DOMAIN = /^((?:[a-z0-9-]+\.)+[a-z]{2,}:)(.*)$/;
const DATASET = /^[A-Za-z0-9_]{1,1024}$/;
/** BigQuery table names: letters, marks, digits, connectors (_), dashes and spaces. */
const TABLE = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024}$/u;

/** What is wrong with a table name (project.dataset.table or dataset.table), in a sentence; '' when nothing. */
export function tableProblem(text: string): string {
  const t = cleanTable(text);
  if (!t) return 'Type the table that holds your leads, as project.dataset.table.';
  const domain = DOMAIN.exec(t);
  const parts = (domain ? domain[2] : t).split('.');
  if (parts.length === 1) return `Add the dataset: write dataset.table or project.dataset.table, e.g. my-project.crm.${t}.`;
  if (parts.length > 3) return `A table name has at most three parts, project.dataset.table; “${t}” has ${parts.length}.`;
  if (parts.some((p) => !p)) return 'A part of the name is empty: write project.dataset.table, with one dot between parts.';
  const [project, dataset, table] = parts.length === 3 ? parts : [undefined, ...parts];
  if (domain && project === undefined) return 'A domain-scoped project needs the dataset and table too: example.com:my-project.dataset.table.';
  if (project !== undefined && !PROJECT.test(project)) {
    return `“${project}” is not a Google Cloud project ID: 6 to 30 lowercase letters, digits and hyphens, starting with a letter.`;
  }
  if (!DATASET.test(dataset!)) return `“${dataset}” is not a dataset name: letters, digits and underscores only.`;
  if (!TABLE.test(table!)) return `“${table}” is not a table name: letters, digits, underscores, hyphens and spaces only.`;
  return '';
}

/** The fields of the setup whose columns hold dates the SQL reads. */
const DATE_FIELDS: ColumnField[] = ['arrived', 'removedAt', 'lastActivity'];

/** Every header the setup maps (columns, stage dates, stage flags), once each, in the setup's order. */
export function mappedHeaders(setup: Setup): string[] {
  const c = setup.columns;
  const all = [
    ...(Object.keys(c) as (keyof typeof c)[]).filter((k) => typeof c[k] === 'string').map((k) => c[k] as string),
    ...Object.values(c.stageDates ?? {}),
    ...Object.values(c.stageFlags ?? {}),
  ];
  return [...new Set(all.filter((h) => typeof h === 'string' && h.trim() !== ''))];
}

/** The headers the SQL reads (the model's fields, stage dates and stage flags). */
export function readHeaders(setup: Setup): string[] {
  const c = setup.columns;
  const fields: ColumnField[] = ['status', 'result', 'arrived', 'removedAt', 'lastActivity', 'value', 'source', 'owner'];
  const all = [...fields.map((f) => c[f] as string), ...Object.values(c.stageDates ?? {}), ...Object.values(c.stageFlags ?? {})];
  return [...new Set(all.filter((h) => typeof h === 'string' && h.trim() !== ''))];
}

/** A header in snake_case: "Lead Status" → lead_status, "Créé le" → cree_le; a leading digit gets an underscore. */
export function snakeCase(header: string): string {
  const s = header.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'column';
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** The BigQuery name of each mapped header: itself, or in snake_case (two headers never share a name). */
export function columnNames(setup: Setup, style: NameStyle): Record<string, string> {
  const out: Record<string, string> = {};
  const taken = new Set<string>();
  for (const h of mappedHeaders(setup)) {
    if (style === 'headers') {
      out[h] = h;
      continue;
    }
    const base = snakeCase(h);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    out[h] = name;
  }
  return out;
}

/** How the date columns are stored, by BigQuery name: left out for TIMESTAMP (the compiler's default). */
export function dateKinds(setup: Setup, names: Record<string, string>, dates: DateStorage): Record<string, ColumnKind> | undefined {
  if (dates !== 'wall') return undefined;
  const c = setup.columns;
  const headers = [...DATE_FIELDS.map((f) => c[f] as string), ...Object.values(c.stageDates ?? {})].filter((h) => h && h.trim());
  return Object.fromEntries(headers.map((h) => [names[h] ?? h, 'wall' as ColumnKind]));
}

