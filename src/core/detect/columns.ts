/**
 * What each column of a leads sheet holds, read from its header (in the words CRM exports and
 * people use, in five languages) and from its values: a column of dates, a column with a few
 * distinct labels, a column of money, a yes/no column. Each finding carries how sure it is.
 */
import { isBlank, isDate } from '../values';
import { isYesOrNo, plainWords } from './lexicon';

/** Roles a column can play in a setup (see COLUMN_FIELDS in setup.ts), besides status. */
export type ValueRole = 'arrived' | 'source' | 'owner' | 'value' | 'removedAt' | 'lastActivity' | 'firstResponse' | 'attempts' | 'nextStep' | 'outcome';

/** Words that prefix every header of some exports ("Deal - Stage", "Lead Source") and carry no meaning of their own. */
const OBJECT_PREFIX = /^(deal|lead|contact|opportunity|person|organization|account|potential) /;

/** A header in plain words, without an export's object prefix. */
export function headerWords(header: unknown): string {
  const plain = plainWords(header);
  const bare = plain.replace(OBJECT_PREFIX, '');
  return bare || plain;
}

/** Header spellings per role, most telling first; compared as plain words (see headerWords). */
export const HEADER_HINTS: Record<ValueRole | 'status', string[]> = {
  arrived: [
    'create date', 'created date', 'created time', 'created', 'created at', 'created on', 'date created', 'creation date', 'date added', 'added on', 'added',
    'lead date', 'arrival date', 'arrived', 'arrived at', 'enquiry date', 'inquiry date', 'signup date', 'sign up date', 'registration date', 'submitted at',
    'submission date', 'submitted', 'deal created', 'timestamp', 'date de creation', 'date creation', 'cree le', 'date d ajout', 'ajoute le', 'fecha de creacion',
    'fecha de alta', 'fecha alta', 'fecha de registro', 'erstellt am', 'erstellt', 'erstelldatum', 'anlagedatum', 'angelegt am', 'data de criacao', 'data de cadastro',
    'data criacao', 'data de entrada', 'engage date', 'date', 'fecha', 'datum', 'data',
  ],
  status: [
    'lifecycle stage', 'lifecycle status', 'deal stage', 'opportunity stage', 'pipeline stage', 'lead stage', 'stage', 'lead status', 'status', 'statut',
    'etape', 'etat', 'estado', 'etapa', 'fase', 'situacion', 'phase', 'stufe', 'situacao', 'estagio', 'stage name',
  ],
  source: [
    'lead source', 'source', 'original source', 'original source type', 'source channel', 'channel', 'utm source', 'origin', 'lead origin', 'source origin',
    'acquisition channel', 'referral source', 'how did you hear about us', 'origine', 'canal', 'origen', 'fuente', 'quelle', 'herkunft', 'kanal', 'origem', 'fonte',
  ],
  owner: [
    'owner', 'lead owner', 'contact owner', 'deal owner', 'opportunity owner', 'account owner', 'sales agent', 'agent', 'assigned to', 'assignee', 'rep',
    'sales rep', 'salesperson', 'counsellor', 'counselor', 'advisor', 'responsable', 'commercial', 'proprietaire', 'propietario', 'vendedor', 'verantwortlich',
    'zustandig', 'besitzer', 'betreuer', 'vertrieb', 'responsavel', 'dono', 'consultor', 'coach', 'trainer', 'consultant', 'account manager',
    'quoted by', 'handled by', 'managed by', 'sold by', 'sales person', 'salesman', 'closer', 'setter', 'seller',
  ],
  value: [
    'amount', 'deal value', 'value', 'close value', 'deal amount', 'deal size', 'revenue', 'opportunity amount', 'price', 'fee', 'fees', 'contract value',
    'montant', 'valeur', 'chiffre d affaires', 'prix', 'importe', 'valor', 'monto', 'precio', 'betrag', 'wert', 'umsatz', 'preis', 'montante', 'preco', 'expected revenue',
    'quote', 'quote amount', 'quote value', 'quoted amount', 'plan value', 'order value', 'sale value', 'sales value', 'budget',
  ],
  removedAt: [
    'lost time', 'lost date', 'date lost', 'lost on', 'removal date', 'removed date', 'date removed', 'removed at', 'disqualified date', 'date disqualified',
    'closed date', 'close date', 'date closed', 'closing date', 'closed at', 'date de cloture', 'fecha de cierre', 'abschlussdatum', 'data de fechamento',
  ],
  lastActivity: [
    'last activity', 'last activity date', 'last activity time', 'last contacted', 'last contact', 'last contact date', 'last engagement date',
    'derniere activite', 'ultima actividad', 'letzte aktivitat', 'ultima atividade', 'last modified', 'modified time', 'last modified date', 'updated at', 'update time',
  ],
  firstResponse: ['first response hours', 'first response h', 'first response', 'first response time', 'response time', 'time to first response', 'hours to first response'],
  attempts: ['contact attempts', 'attempts', 'calls', 'number of attempts', 'touches', 'number of calls', 'call attempts'],
  nextStep: ['next step', 'next steps', 'next action', 'prochaine etape', 'siguiente paso', 'nachster schritt', 'proximo passo'],
  outcome: ['outcome', 'lost reason', 'close reason', 'closed lost reason', 'reason', 'result', 'raison', 'motivo', 'grund'],
};

/** What a column's values look like, from the rows given (a sample is enough). */
export interface ColumnProfile {
  index: number;
  header: string;
  words: string;
  filled: number;
  /** Share of filled cells that are dates (Date cells or date text). */
  dates: number;
  /** Share of filled cells that are numbers or money text. */
  numbers: number;
  /** Share of filled cells that are yes/no. */
  yesNo: number;
  /** Distinct values (trimmed, case folded) with their counts, most frequent first; at most 500 kept. */
  distinct: [string, number][];
  distinctCount: number;
  /** Share of filled cells that are distinct: near 1 for names, emails and ids. */
  uniqueness: number;
  /** Longest text, to tell labels from notes. */
  longest: number;
}

const DATE_TEXT = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[\s-]+[a-z\u00c0-\u017f]{3,}\.?,?[\s-]+\d{4}|[a-z]{3,}\.?\s+\d{1,2},?\s+\d{4})(?:[T\s,]+\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[ap]m)?\s*(?:z|[+-]\d{2}:?\d{2})?)?$/i;
const MONEY_TEXT = /^[(-]?\s*(?:[a-z]{3}\s*|[$€£¥]|r\$)?\s*-?\d[\d.,\s\u00a0\u202f]*\s*(?:[$€£¥%]|[a-z]{3})?\s*\)?$/i;

export function looksLikeDate(v: unknown): boolean {
  return isDate(v) || (typeof v === 'string' && DATE_TEXT.test(v.trim()));
}

function looksLikeNumber(v: unknown): boolean {
  return typeof v === 'number' || (typeof v === 'string' && MONEY_TEXT.test(v.trim()) && /\d/.test(v));
}

/** `dateColumns`: columns whose numbers are dates (a build's rows carry dates as serial numbers). */
export function profileColumns(headers: unknown[], rows: unknown[][], dateColumns?: ReadonlySet<number>): ColumnProfile[] {
  return headers.map((header, index) => {
    const serialDates = !!dateColumns?.has(index);
    let filled = 0;
    let dates = 0;
    let numbers = 0;
    let yesNo = 0;
    let longest = 0;
    const counts = new Map<string, number>();
    for (const row of rows) {
      const v = row[index];
      if (isBlank(v)) continue;
      filled++;
      if (looksLikeDate(v) || (serialDates && typeof v === 'number')) dates++;
      else if (looksLikeNumber(v)) numbers++;
      if (isYesOrNo(v)) yesNo++;
      const key = isDate(v) || (serialDates && typeof v === 'number') ? `#date` : String(v).trim().toLowerCase();
      longest = Math.max(longest, key.length);
      if (counts.size < 5000 || counts.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const distinct = [...counts].sort((a, b) => b[1] - a[1]);
    const share = (n: number) => (filled ? n / filled : 0);
    return {
      index, header: String(header ?? '').trim(), words: headerWords(header), filled,
      dates: share(dates), numbers: share(numbers), yesNo: share(yesNo),
      distinct: distinct.slice(0, 500), distinctCount: distinct.length, uniqueness: share(distinct.length), longest,
    };
  });
}

/** How well a header names a role: 100 and down for an exact hint (earlier hints score higher), 40 and down when it only contains one. */
export function headerScore(words: string, role: keyof typeof HEADER_HINTS): number {
  const hints = HEADER_HINTS[role];
  const exact = hints.indexOf(words);
  if (exact >= 0) return 100 - exact * 0.5;
  let best = 0;
  hints.forEach((hint, i) => {
    if (hint.length >= 4 && (` ${words} `).includes(` ${hint} `)) best = Math.max(best, 40 - i * 0.2);
  });
  return best;
}

/** Whether a column's values can play a role at all (dates for a date role, money for value, labels for groups). */
export function valuesFit(p: ColumnProfile, role: ValueRole): boolean {
  if (p.filled === 0) return false;
  switch (role) {
    case 'arrived':
    case 'removedAt':
    case 'lastActivity':
      return p.dates >= 0.6;
    case 'value':
    case 'firstResponse':
    case 'attempts':
      return p.numbers >= 0.6 && p.dates < 0.2;
    case 'source':
    case 'owner':
      return p.dates < 0.2 && p.numbers < 0.5 && p.distinctCount <= Math.max(60, p.filled * 0.2) && p.longest <= 80;
    case 'nextStep':
    case 'outcome':
      return p.dates < 0.5;
  }
}
