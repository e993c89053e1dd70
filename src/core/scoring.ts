/**
 * Lead scoring and qualification. Each rule looks at one column of a lead and, when it matches,
 * adds (or takes away) points in one of two groups: Fit (is this a customer we can and want to
 * serve?) and Intent (what did they do, what did they ask for?). Each group is capped; thresholds
 * on both groups make a lead an MQL or an SQL, and the total sets its temperature.
 */
import { Rule, Setup } from './setup';
import { DAY_MS, TimeZoneClock, WallMs } from './time';
import { DateReader, isBlank, normalizeLabel } from './values';

export type Temperature = 'Cold' | 'Warm' | 'Hot';
export type Qualification = 'Unqualified' | 'MQL' | 'SQL';

export interface LeadScore {
  fit: number;
  intent: number;
  total: number;
  /** Indices of the rules that matched. */
  fired: number[];
}

type Matcher = (cell: unknown) => boolean;

const EMAIL = /^\s*[^\s@]+@[^\s@]+\.[a-z]{2,}\s*$/i;
const anyOf = (s: string) => s.split(',').map((x) => normalizeLabel(x)).filter((x) => x !== '');

function numberIn(cell: unknown): number {
  if (typeof cell === 'number') return cell;
  if (typeof cell !== 'string' || cell.trim() === '') return NaN;
  const n = Number(cell.replace(/[$€£,\s%]/g, ''));
  return Number.isFinite(n) ? n : NaN;
}

/** Whether two cell texts are equal the way a person means it: numbers by value, text without case or stray spacing. */
function sameValue(cell: unknown, wanted: string): boolean {
  const a = numberIn(cell);
  const b = Number(wanted.trim());
  if (!Number.isNaN(a) && wanted.trim() !== '' && Number.isFinite(b)) return a === b;
  return normalizeLabel(cell) === normalizeLabel(wanted);
}

/** Distinct texts a matcher remembers its answer for; a column with more (names, emails) is tested cell by cell. */
const REMEMBERED = 4096;

/**
 * A test on text that remembers its answer per distinct cell text: a million leads hold a few
 * dozen sources or statuses, and normalising each cell again is most of the cost of scoring.
 */
function remembering(test: Matcher): Matcher {
  let answers: Map<string, boolean> | null = new Map();
  return (c) => {
    if (typeof c !== 'string' || answers === null) return test(c);
    let a = answers.get(c);
    if (a === undefined) {
      a = test(c);
      if (answers.size < REMEMBERED) answers.set(c, a);
      else answers = null;
    }
    return a;
  };
}

/** One rule as a test on a cell. Messy cells (text where a number is expected) simply do not match. */
export function ruleMatcher(rule: Rule, dates: DateReader, now: WallMs): Matcher {
  const test = matcherOf(rule, dates, now);
  return rule.operator === 'equals' || rule.operator === 'oneOf' || rule.operator === 'contains' ? remembering(test) : test;
}

function matcherOf(rule: Rule, dates: DateReader, now: WallMs): Matcher {
  const value = rule.value ?? '';
  switch (rule.operator) {
    case 'equals': return (c) => !isBlank(c) && sameValue(c, value);
    case 'oneOf': {
      const options = value.split(',').map((x) => x.trim()).filter(Boolean);
      return (c) => !isBlank(c) && options.some((o) => sameValue(c, o));
    }
    case 'contains': {
      const parts = anyOf(value);
      // Each part's longest run of letters and digits must be in the lower-cased cell for the part to be:
      // most cells fail that cheap test, and only the rest are normalised.
      const probes = parts.map((p) => p.split(' ').sort((a, b) => b.length - a.length)[0]);
      return (c) => {
        if (isBlank(c)) return false;
        const lower = String(c).toLowerCase();
        if (!probes.some((p) => lower.includes(p))) return false;
        const text = normalizeLabel(c);
        return parts.some((p) => text.includes(p));
      };
    }
    case 'greaterThan': { const x = Number(value); return (c) => numberIn(c) > x; }
    case 'lessThan': { const x = Number(value); return (c) => numberIn(c) < x; }
    case 'between': {
      const lo = Number(value);
      const hi = Number(rule.value2);
      return (c) => { const n = numberIn(c); return n >= lo && n <= hi; };
    }
    case 'blank': return (c) => isBlank(c);
    case 'notBlank': return (c) => !isBlank(c);
    case 'validEmail': return (c) => typeof c === 'string' && EMAIL.test(c);
    case 'withinDays': {
      const since = now - Number(value) * DAY_MS;
      const ctx = { fn: 'LeadFlow', arg: rule.column };
      return (c) => {
        if (isBlank(c)) return false;
        try {
          const t = dates.read(c, ctx);
          return t >= since && t <= now + DAY_MS;
        } catch {
          return false;
        }
      };
    }
  }
}

export interface Scorer {
  score(row: unknown[]): LeadScore;
  /** The same scores without the list of rules that matched, into `out` (no allocation per lead). */
  scoreInto(row: unknown[], out: LeadScore): LeadScore;
  qualification(s: LeadScore): Qualification;
  temperature(s: LeadScore): Temperature;
  rules: Rule[];
}

/**
 * Compiles the setup's rules against a header row. A rule whose column is not in the header row is
 * reported by validateSetup before it gets here; `missing` lists any that slipped through.
 */
export function compileScorer(setup: Setup, headers: unknown[], clock: TimeZoneClock, now: WallMs): { scorer: Scorer; missing: Rule[] } {
  const dates = new DateReader(clock);
  const index = new Map(headers.map((h, i) => [normalizeLabel(h ?? ''), i] as const));
  const { rules, caps, mql, sql, temperature } = setup.scoring;
  const missing: Rule[] = [];
  const compiled = rules.map((rule, i) => {
    const col = index.get(normalizeLabel(rule.column));
    if (col === undefined) missing.push(rule);
    return { i, rule, col: col ?? -1, test: ruleMatcher(rule, dates, now), fit: rule.group === 'fit', points: rule.points };
  });
  const clamp = (x: number, cap: number) => Math.max(0, Math.min(cap, x));
  const scorer: Scorer = {
    rules,
    score(row) {
      let fit = 0;
      let intent = 0;
      const fired: number[] = [];
      for (const c of compiled) {
        if (c.col < 0 || !c.test(row[c.col])) continue;
        fired.push(c.i);
        if (c.rule.group === 'fit') fit += c.rule.points;
        else intent += c.rule.points;
      }
      fit = clamp(fit, caps.fit);
      intent = clamp(intent, caps.intent);
      return { fit, intent, total: fit + intent, fired };
    },
    scoreInto(row, out) {
      let fit = 0;
      let intent = 0;
      for (let k = 0; k < compiled.length; k++) {
        const c = compiled[k];
        if (c.col < 0 || !c.test(row[c.col])) continue;
        if (c.fit) fit += c.points;
        else intent += c.points;
      }
      out.fit = clamp(fit, caps.fit);
      out.intent = clamp(intent, caps.intent);
      out.total = out.fit + out.intent;
      return out;
    },
    qualification(s) {
      if (s.fit >= sql.fit && s.intent >= sql.intent) return 'SQL';
      if (s.fit >= mql.fit && s.intent >= mql.intent) return 'MQL';
      return 'Unqualified';
    },
    temperature(s) {
      if (s.total >= temperature.hot) return 'Hot';
      if (s.total >= temperature.warm) return 'Warm';
      return 'Cold';
    },
  };
  return { scorer, missing };
}

/** A rule in words, for the "rules that fired" column and the checklist sheet. */
export function describeRule(rule: Rule): string {
  if (rule.label) return rule.label;
  const op = {
    equals: `is ${rule.value}`,
    oneOf: `is one of ${rule.value}`,
    contains: `contains ${rule.value}`,
    greaterThan: `> ${rule.value}`,
    lessThan: `< ${rule.value}`,
    between: `between ${rule.value} and ${rule.value2}`,
    blank: 'is blank',
    notBlank: 'is filled in',
    validEmail: 'is a valid email',
    withinDays: `within the last ${rule.value} days`,
  }[rule.operator];
  return `${rule.column} ${op}`;
}

export interface ScoringPreset {
  id: string;
  name: string;
  description: string;
  rules: Rule[];
  caps: Setup['scoring']['caps'];
  mql: Setup['scoring']['mql'];
  sql: Setup['scoring']['sql'];
  temperature: Setup['scoring']['temperature'];
}

const rule = (group: Rule['group'], column: string, operator: Rule['operator'], value: string, points: number, label = '', value2 = ''): Rule => ({ group, column, operator, value, value2, points, label });

/**
 * Starting points. Column names are the usual header names; the sidebar asks the user to point
 * each at a column of their own sheet before saving.
 */
export const SCORING_PRESETS: ScoringPreset[] = [
  {
    id: 'bant',
    name: 'BANT',
    description: 'Budget, Authority, Need and Timeline: the classic sales qualification questions.',
    rules: [
      rule('fit', 'Budget', 'greaterThan', '0', 30, 'Has a budget'),
      rule('fit', 'Job Title', 'contains', 'owner, founder, director, head, vp, chief, manager', 30, 'Talks to a decision maker'),
      rule('fit', 'Email', 'validEmail', '', 10, 'Reachable by email'),
      rule('intent', 'Need', 'notBlank', '', 30, 'Stated a need'),
      rule('intent', 'Timeline', 'oneOf', 'This month, This quarter, Now, ASAP', 40, 'Buying soon'),
      rule('intent', 'Timeline', 'oneOf', 'Next year, Not sure', -20, 'No near-term timeline'),
    ],
    caps: { fit: 100, intent: 100 },
    mql: { fit: 40, intent: 30 },
    sql: { fit: 60, intent: 70 },
    temperature: { warm: 50, hot: 110 },
  },
  {
    id: 'b2b-fit-engagement',
    name: 'B2B fit + engagement',
    description: 'Who they are (industry, size, role) as Fit; what they did (source, recent activity, replies) as Intent.',
    rules: [
      rule('fit', 'Industry', 'oneOf', 'Software, Financial Services, Healthcare, Manufacturing', 25, 'Target industry'),
      rule('fit', 'Employees', 'between', '50', 20, 'Company of 50 to 5,000 people', '5000'),
      rule('fit', 'Job Title', 'contains', 'director, head, vp, chief, owner', 25, 'Senior role'),
      rule('fit', 'Email', 'validEmail', '', 15, 'Valid email'),
      rule('fit', 'Email', 'contains', 'gmail., yahoo., hotmail.', -15, 'Personal email address'),
      rule('intent', 'Lead Source', 'oneOf', 'Referral, Webinar, Demo Request, Trade Show', 30, 'High-intent source'),
      rule('intent', 'Last Activity', 'withinDays', '14', 30, 'Active in the last two weeks'),
      rule('intent', 'Contact Attempts', 'greaterThan', '0', 10, 'Has been contacted'),
      rule('intent', 'Next Step', 'notBlank', '', 30, 'Agreed a next step'),
    ],
    caps: { fit: 100, intent: 100 },
    mql: { fit: 60, intent: 40 },
    sql: { fit: 60, intent: 70 },
    temperature: { warm: 60, hot: 120 },
  },
];
