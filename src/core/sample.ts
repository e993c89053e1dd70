/**
 * A seeded generator of realistic lead sheets: the shared test bed of the tests, the bench and the
 * sample data of the preview. Sources differ in quality, statuses come in the messy spellings CRM
 * exports really have, and every lead's dates agree with how far it got.
 */
import { DAY_MS, TimeZoneClock, timeZoneClock } from './time';

/** mulberry32: tiny, fast and good enough to make the same sheet from the same seed everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SourceProfile {
  name: string;
  weight: number;
  /** Chance of moving on from each stage to the next (Arrived→Reviewed, ...). */
  advance: [number, number, number, number];
  dealSize: number;
}

export const SOURCES: SourceProfile[] = [
  { name: 'Web Form', weight: 30, advance: [0.85, 0.45, 0.5, 0.35], dealSize: 8_000 },
  { name: 'Google Ads', weight: 22, advance: [0.8, 0.3, 0.4, 0.3], dealSize: 6_000 },
  { name: 'LinkedIn', weight: 14, advance: [0.85, 0.5, 0.5, 0.35], dealSize: 15_000 },
  { name: 'Referral', weight: 10, advance: [0.95, 0.7, 0.65, 0.5], dealSize: 20_000 },
  { name: 'Trade Show', weight: 9, advance: [0.9, 0.4, 0.45, 0.4], dealSize: 25_000 },
  { name: 'Cold Call', weight: 8, advance: [0.7, 0.2, 0.35, 0.25], dealSize: 10_000 },
  { name: 'Webinar', weight: 7, advance: [0.9, 0.55, 0.45, 0.3], dealSize: 9_000 },
];

export const OWNERS = ['Ana Ruiz', 'Ben Okafor', 'Chloe Martin', 'Dev Patel', 'Emma Lindqvist', 'Farid Haddad'];

/** Spellings per default stage/exit, as exports really write them (case, spaces, hyphens, CRM wording). */
export const STATUS_SPELLINGS: Record<string, string[]> = {
  Arrived: ['New', 'new', 'Not Contacted', 'Open', 'Arrived'],
  Reviewed: ['Contacted', 'Attempted to Contact', 'reviewed', 'Reviewed', 'Working'],
  Qualified: ['Qualified', 'qualified ', 'Pre Qualified', 'Pre-Qualified', 'SQL'],
  'Converted to Opportunity': ['Converted to Opportunity', 'Opportunity', 'Proposal', 'Negotiation'],
  'Closed-Won': ['Closed Won', 'Closed-Won', 'closed won', 'Won', 'CLOSED WON'],
  Disqualified: ['Disqualified', 'Junk Lead', 'Unqualified', 'junk lead', 'Not Qualified'],
  Nurturing: ['Nurturing', 'Contact in Future', 'nurture'],
  'Closed-Lost': ['Closed Lost', 'Closed-Lost', 'Deal Lost', 'closed lost'],
};

export const STAGE_DATE_HEADERS = ['Reviewed Date', 'Qualified Date', 'Opportunity Date', 'Closed Won Date'];
export const REMOVAL_DATE_HEADER = 'Removal Date';

export interface SampleOptions {
  rows: number;
  seed?: number;
  /** First arrival day (wall date, yyyy-mm-dd); leads arrive over the following `days`. */
  from?: string;
  days?: number;
  /** Time zone the wall times are meant in; Date cells are built for it. */
  timeZone?: string;
  /** Add one date column per stage after Arrived. */
  stageDates?: boolean;
  /** How dates are written: real Date cells, ISO text, or Zoho-style text ("15 Apr, 2021 00:03:00"). */
  dateStyle?: 'date' | 'iso' | 'zoho';
  /** "Today" for last-activity dates (defaults to the day after the last arrival + 30). */
  today?: string;
  /** Add a "Removal Date" column: when a disqualified or lost lead left (blank for about 1 in 10 of them). */
  removalDates?: boolean;
}

export interface SampleSheet {
  headers: string[];
  rows: unknown[][];
  /** Ground truth per row, for tests: the canonical stage or exit behind the messy status. */
  truth: { stage: number; exit: string | null; source: string; arrivedWall: number }[];
}

export const SAMPLE_HEADERS = [
  'Lead ID', 'Company', 'Email', 'Lead Source', 'Lead Owner', 'Created Time', 'Lead Status', 'Deal Value',
  'Last Activity', 'First Response (hours)', 'Contact Attempts', 'Next Step', 'Outcome',
];

const COMPANY_A = ['North', 'Blue', 'Bright', 'Silver', 'Green', 'Swift', 'Prime', 'Clear', 'Summit', 'Harbor'];
const COMPANY_B = ['Logistics', 'Dental', 'Analytics', 'Bakery', 'Legal', 'Robotics', 'Studios', 'Health', 'Foods', 'Energy'];
const NEXT_STEPS = ['Demo booked', 'Send proposal', 'Call back next week', 'Pricing call', ''];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function pickSource(r: () => number): SourceProfile {
  const total = SOURCES.reduce((s, x) => s + x.weight, 0);
  let x = r() * total;
  for (const s of SOURCES) if ((x -= s.weight) < 0) return s;
  return SOURCES[0];
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function writeDate(wall: number, style: SampleOptions['dateStyle'], clock: TimeZoneClock): unknown {
  const d = new Date(wall);
  const hms = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (style === 'iso') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hms}`;
  if (style === 'zoho') return `${pad(d.getUTCDate())} ${MONTH_NAMES[d.getUTCMonth()]}, ${d.getUTCFullYear()} ${hms}`;
  return new Date(clock.toInstant(wall));
}

export function sampleLeads(opts: SampleOptions): SampleSheet {
  const r = rng(opts.seed ?? 42);
  const clock = timeZoneClock(opts.timeZone ?? 'UTC');
  const from = Date.parse(`${opts.from ?? '2025-01-01'}T00:00:00Z`);
  const days = opts.days ?? 365;
  const today = opts.today ? Date.parse(`${opts.today}T00:00:00Z`) : from + (days + 30) * DAY_MS;
  const style = opts.dateStyle ?? 'date';
  const headers = [...SAMPLE_HEADERS, ...(opts.stageDates ? STAGE_DATE_HEADERS : []), ...(opts.removalDates ? [REMOVAL_DATE_HEADER] : [])];
  const rows: unknown[][] = new Array(opts.rows);
  const truth: SampleSheet['truth'] = new Array(opts.rows);
  for (let i = 0; i < opts.rows; i++) {
    const src = pickSource(r);
    // Arrivals through the working day, a little heavier on weekdays; some land just before midnight.
    const day = Math.floor(r() * days);
    const arrived = from + day * DAY_MS + Math.floor(r() * 24 * 60) * 60_000;
    let stage = 0;
    while (stage < 4 && r() < src.advance[stage]) stage++;
    // Leads that stopped short either wait, or took an exit from where they stopped.
    let exit: string | null = null;
    if (stage < 4) {
      const x = r();
      if (stage === 1 && x < 0.6) exit = 'Disqualified';
      else if (stage === 2 && x < 0.45) exit = 'Nurturing';
      else if (stage === 3 && x < 0.7) exit = 'Closed-Lost';
    }
    const stageWall: number[] = [arrived];
    for (let k = 1; k <= stage; k++) stageWall.push(stageWall[k - 1] + Math.floor((1 + r() * 12 * k) * DAY_MS));
    const canonical = exit ?? ['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity', 'Closed-Won'][stage];
    const status = pick(r, STATUS_SPELLINGS[canonical]);
    const hasValue = stage >= 3 && r() < 0.9;
    const value = hasValue ? Math.round(src.dealSize * (0.4 + r() * 1.6) / 100) * 100 : '';
    const lastActivity = Math.min(today, stageWall[stage] + Math.floor(r() * 40) * DAY_MS);
    // A lead nobody has reviewed may not have been called yet, and one marked "Not Contacted" was not.
    const attemptsDraw = r();
    const attempts = stage >= 1 ? 1 + Math.floor(attemptsDraw * 6) : /not contacted/i.test(status) ? 0 : Math.floor(attemptsDraw * 3);
    const responseDraw = Math.round(r() * r() * 72 * 10) / 10;
    const firstResponse = attempts ? responseDraw : '';
    const company = `${pick(r, COMPANY_A)} ${pick(r, COMPANY_B)}`;
    const email = r() < 0.05 ? 'n/a' : `${company.toLowerCase().replace(/\s+/g, '.')}${i}@example.com`;
    const outcome = stage === 4 ? 'Won' : exit === 'Closed-Lost' ? 'Lost' : exit === 'Disqualified' ? 'Not a fit' : r() < 0.5 ? '' : 'Unknown';
    const row: unknown[] = [
      `L-${String(100000 + i)}`, company, email, src.name, pick(r, OWNERS), writeDate(arrived, style, clock), status, value,
      writeDate(lastActivity, style, clock), firstResponse, attempts, stage >= 2 ? pick(r, NEXT_STEPS) : '', outcome,
    ];
    if (opts.stageDates) {
      for (let k = 1; k <= 4; k++) row.push(k <= stage ? writeDate(stageWall[k], style, clock) : '');
    }
    if (opts.removalDates) {
      // Only the removal option draws these numbers, so other sheets from the same seed stay the same.
      const removed = exit === 'Disqualified' || exit === 'Closed-Lost';
      const gap = Math.floor(r() * 25) * DAY_MS;
      row.push(removed && r() < 0.9 ? writeDate(Math.min(today, stageWall[stage] + gap), style, clock) : '');
    }
    rows[i] = row;
    truth[i] = { stage, exit, source: src.name, arrivedWall: arrived };
  }
  return { headers, rows, truth };
}
