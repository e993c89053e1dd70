/** HubSpot CRM exports: contacts (lifecycle stages with "Became a ... Date" columns) and deals (Sales Pipeline). */
import { amountCents, drawSource, pickW, textExport, type SourceSpec } from '../lib/build.ts';
import { arrival, at, DAY, dayOf, fmt, later, MINUTE, monthKey, wall } from '../lib/dates.ts';
import { company, email, firstName, lastName, phone } from '../lib/people.ts';
import { Rng } from '../lib/prng.ts';
import { csvText, type CsvStyle } from '../lib/text.ts';
import { computeTruth, type SimLead } from '../lib/truth.ts';
import type { CorpusExport } from '../lib/types.ts';

// HubSpot writes UTF-8, comma separated, quoting only the fields that need it.
const STYLE: CsvStyle = { delimiter: ',', eol: '\n', quoteAll: false };

const ORIGINAL_SOURCES: SourceSpec = {
  channels: [
    { name: 'Organic Search', weight: 26 },
    { name: 'Direct Traffic', weight: 15 },
    { name: 'Paid Search', weight: 13 },
    { name: 'Referrals', weight: 9 },
    { name: 'Social Media', weight: 8 },
    { name: 'Email Marketing', weight: 11 },
    { name: 'Offline Sources', weight: 10 },
    { name: 'Paid Social', weight: 6 },
    { name: 'Other Campaigns', weight: 2 },
  ],
  blank: 0,
};

const DRILL_DOWN: Record<string, string[]> = {
  'Organic Search': ['google', 'bing', 'duckduckgo', 'ecosia'],
  'Direct Traffic': ['www.example.test/', 'www.example.test/pricing', 'www.example.test/blog/lead-scoring-guide', ''],
  'Paid Search': ['google', 'bing'],
  Referrals: ['partner.example.test', 'reviews.example.test', 'news.example.test'],
  'Social Media': ['Facebook', 'LinkedIn', 'X', 'Instagram'],
  'Email Marketing': ['Spring newsletter, issue 3', 'Webinar follow-up', 'Product update: "Pipelines"', 'Q4 nurture #2'],
  'Offline Sources': ['IMPORT', 'CRM_UI', 'INTEGRATION', 'API'],
  'Paid Social': ['Facebook', 'LinkedIn'],
  'Other Campaigns': ['trade-show-2023', 'partner-webinar'],
};

const CONTACT_STAGES = ['Subscriber', 'Lead', 'Marketing Qualified Lead', 'Sales Qualified Lead', 'Opportunity', 'Customer'];
const BECAME = [
  'Became a Subscriber Date',
  'Became a Lead Date',
  'Became a Marketing Qualified Lead Date',
  'Became a Sales Qualified Lead Date',
  'Became an Opportunity Date',
  'Became a Customer Date',
];
const CONTACT_OWNERS = ['Avery Holt', 'Jordan Example', 'Priya Raman', 'Marcus Bell', 'Dana Whitfield', 'Sam Okafor'];

function hubspotContacts(): CorpusExport {
  const rng = new Rng(0x4b5c01);
  const start = at(2023, 1, 1);
  const end = at(2024, 3, 1); // Jan 2023 .. Feb 2024
  const now = at(2024, 3, 5, 16, 0);
  const n = 2000;
  const advance = [0.45, 0.4, 0.45, 0.5, 0.45];

  interface Contact {
    created: number;
    dates: (number | null)[];
    furthest: number;
    label: string;
    leadStatus: string;
    source: string;
    drill: string;
    owner: string;
    first: string;
    last: string;
    phone: string;
    lastActivity: string;
  }
  const contacts: Contact[] = [];
  for (let i = 0; i < n; i++) {
    let created = arrival(rng, start, end, key => 0.55 + 0.45 * ((Number(key.slice(0, 4)) - 2023) * 12 + Number(key.slice(5)) - 1) / 13);
    // A few contacts right at the month's edges, where a reader that shifts zones would move them.
    if (i % 199 === 7) {
      const w = wall(created);
      created = at(w.y, w.m, 1, 0, rng.int(0, 40), rng.int(0, 59));
    } else if (i % 199 === 8) {
      const w = wall(created);
      created = at(w.y, w.m + 1, 1) - rng.int(2, 25) * MINUTE;
    }
    const entry = pickW(rng, [[0, 30], [1, 58], [2, 9], [3, 3]] as const);
    const dates: (number | null)[] = new Array(6).fill(null);
    dates[entry] = created;
    let k: number = entry;
    let t = created;
    while (k < 5) {
      if (!rng.chance(advance[k])) break;
      let step = 1;
      if (k === 1 && rng.chance(0.04)) step = 4; // Lead straight to Customer
      else if (k <= 3 && rng.chance(0.12)) step = 2; // skips a stage
      const next = later(rng, t, k === 0 ? 1 : 0, k === 0 ? 60 : 30);
      if (next > now) break;
      k += step;
      t = next;
      dates[k] = t;
    }
    const visited = dates.flatMap((d, idx) => (d === null ? [] : [idx]));
    let label: string = CONTACT_STAGES[k];
    if (k === 5 && rng.chance(0.1)) label = 'Evangelist';
    const r = rng.next();
    if (r < 0.04) label = '';
    else if (r < 0.06 && visited.length > 1) label = CONTACT_STAGES[visited[rng.int(0, visited.length - 2)]];

    let leadStatus = '';
    if (k >= 1 && k <= 3) {
      leadStatus = pickW(rng, [['New', 20], ['Open', 14], ['In Progress', 14], ['Attempted to Contact', 14], ['Connected', 12], ['Bad Timing', 6], ['Unqualified', 10], ['', 10]] as const);
    } else if (k === 4) leadStatus = pickW(rng, [['Open Deal', 70], ['In Progress', 15], ['', 15]] as const);
    else if (k === 5) leadStatus = pickW(rng, [['', 70], ['Connected', 20], ['Open Deal', 10]] as const);

    const source = drawSource(rng, ORIGINAL_SOURCES);
    const last = Math.max(...visited.map(v => dates[v]!));
    const activity = rng.chance(0.7) ? later(rng, last, 0, 25) : null;
    contacts.push({
      created,
      dates,
      furthest: k,
      label,
      leadStatus,
      source,
      drill: rng.pick(DRILL_DOWN[source]),
      owner: k === 0 && rng.chance(0.5) ? '' : rng.chance(0.1) ? '' : rng.pick(CONTACT_OWNERS),
      first: k === 0 && rng.chance(0.4) ? '' : firstName(rng, 'en'),
      last: k === 0 && rng.chance(0.5) ? '' : lastName(rng, 'en'),
      phone: rng.chance(0.5) ? phone(rng, 'en') : '',
      lastActivity: activity !== null && activity > last && activity < now ? fmt.isoMinute(activity) : '',
    });
  }

  // Record IDs grow with creation; the export lists the newest first, as HubSpot's default view does.
  const byCreation = contacts.map((c, i) => ({ c, i })).sort((a, b) => a.c.created - b.c.created || a.i - b.i);
  const ids = new Map<Contact, number>();
  let id = 20_511_000_000;
  for (const { c } of byCreation) {
    id += rng.int(1, 400);
    ids.set(c, id);
  }
  const ordered = byCreation.map(x => x.c).reverse();
  const emailNo = new Map<Contact, number>(byCreation.map((x, i) => [x.c, i + 1]));

  const header = [
    'Record ID', 'First Name', 'Last Name', 'Email', 'Phone Number', 'Contact owner', 'Lifecycle Stage', 'Lead Status',
    'Create Date', 'Original Source', 'Original Source Drill-Down 1', ...BECAME, 'Last Activity Date',
  ];
  const rows = ordered.map(c => {
    const rid = ids.get(c)!;
    return [
      String(rid), c.first, c.last, email(emailNo.get(c)!), c.phone, c.owner, c.label, c.leadStatus,
      fmt.isoMinute(c.created), c.source, c.drill, ...c.dates.map(d => (d === null ? '' : fmt.isoMinute(d))), c.lastActivity,
    ];
  });

  const sims: SimLead[] = ordered.map(c => ({ reached: c.furthest, source: c.source, month: monthKey(c.created), valueCents: null, removed: false }));
  const truth = computeTruth(
    {
      columns: { arrived: 'Create Date', status: 'Lifecycle Stage', source: 'Original Source', owner: 'Contact owner' },
      stageDates: Object.fromEntries(CONTACT_STAGES.map((s, i) => [s, BECAME[i]])),
      dateOrder: 'ymd',
      stages: CONTACT_STAGES,
      exits: [],
    },
    sims,
  );
  return textExport(
    { id: 'hubspot-contacts', tool: 'HubSpot contacts export', fileName: 'hubspot-contacts.csv', timeZone: 'America/New_York' },
    truth,
    csvText(header, rows, STYLE),
    'utf8',
  );
}

const DEAL_STAGES = ['Appointment Scheduled', 'Qualified To Buy', 'Presentation Scheduled', 'Decision Maker Bought-In', 'Contract Sent', 'Closed Won'];
const entered = (stage: string) => `Date entered "${stage} (Sales Pipeline)"`;
const DEAL_OWNERS = ['Avery Holt', 'Priya Raman', 'Marcus Bell', 'Lena Strand', 'Tomás Rivera'];

function hubspotDeals(): CorpusExport {
  const rng = new Rng(0x4b5c02);
  const start = at(2023, 3, 1);
  const end = at(2024, 5, 1); // Mar 2023 .. Apr 2024
  const now = at(2024, 5, 3);
  const n = 800;
  const advance = [0.72, 0.66, 0.62, 0.6, 0.55];
  const sources: SourceSpec = { ...ORIGINAL_SOURCES, blank: 6 };

  interface Deal {
    id: number;
    created: number;
    dates: (number | null)[];
    furthest: number;
    lostAt: number | null;
    label: string;
    cents: number | null;
    close: number | null;
    name: string;
    type: string;
    owner: string;
    source: string;
  }
  const deals: Deal[] = [];
  let id = 9_870_000_000;
  const createdTimes = Array.from({ length: n }, () => arrival(rng, start, end, undefined, false)).sort((a, b) => a - b);
  for (const created of createdTimes) {
    id += rng.int(1, 3000);
    const entry = pickW(rng, [[0, 85], [1, 10], [2, 5]] as const);
    const dates: (number | null)[] = new Array(6).fill(null);
    dates[entry] = created;
    let k: number = entry;
    let t = created;
    while (k < 5) {
      if (!rng.chance(advance[k])) break;
      const step = k <= 3 && rng.chance(0.12) ? 2 : 1;
      const next = later(rng, t, 1, 25, false);
      if (next > now) break;
      k += step;
      t = next;
      dates[k] = t;
    }
    let lostAt: number | null = null;
    if (k < 5) {
      const lost = later(rng, t, 5, 60, false);
      if (lost < now && rng.chance(0.55)) lostAt = lost;
    }
    const visited = dates.flatMap((d, i) => (d === null ? [] : [i]));
    let label = lostAt !== null ? 'Closed Lost' : DEAL_STAGES[k];
    // Now and then a rep drags an open deal back to an earlier stage; its dates keep the furthest.
    if (lostAt === null && k < 5 && k >= 2 && rng.chance(0.04)) label = DEAL_STAGES[rng.int(0, k - 1)];
    const blankRate = k === 0 ? 0.35 : k === 1 ? 0.15 : 0.04;
    const cents = rng.chance(blankRate) ? null : amountCents(rng, 1500, 90000, 10000);
    let close: number | null = null;
    if (k === 5) close = t;
    else if (lostAt !== null) close = lostAt;
    else if (rng.chance(0.7)) close = later(rng, Math.max(t, now - 20 * DAY), 5, 120, false);
    const renewal = rng.chance(0.18);
    const org = company(rng, 'en');
    deals.push({
      id,
      created,
      dates,
      furthest: Math.max(...visited),
      lostAt,
      label,
      cents,
      close,
      name: `${org} - ${renewal ? rng.pick(['Renewal', 'Expansion']) : rng.pick(['New deal', 'Pilot', 'Annual plan'])}`,
      type: renewal ? 'Existing Business' : rng.chance(0.85) ? 'New Business' : '',
      owner: rng.chance(0.03) ? '' : rng.pick(DEAL_OWNERS),
      source: drawSource(rng, sources),
    });
  }

  const header = [
    'Record ID', 'Deal Name', 'Deal Stage', 'Pipeline', 'Amount', 'Close Date', 'Create Date', 'Deal owner', 'Deal Type',
    'Original Source Type', ...DEAL_STAGES.slice(1).map(entered), entered('Closed Lost'),
  ];
  const ordered = [...deals].reverse();
  const rows = ordered.map(d => [
    String(d.id), d.name, d.label, 'Sales Pipeline', d.cents === null ? '' : String(d.cents / 100),
    d.close === null ? '' : fmt.isoDate(d.close), fmt.isoDate(d.created), d.owner, d.type, d.source,
    ...d.dates.slice(1).map(x => (x === null ? '' : fmt.isoDate(x))), d.lostAt === null ? '' : fmt.isoDate(d.lostAt),
  ]);
  const sims: SimLead[] = ordered.map(d => ({
    reached: d.furthest,
    source: d.source,
    month: monthKey(dayOf(d.created)),
    valueCents: d.cents,
    removed: d.lostAt !== null,
  }));
  const truth = computeTruth(
    {
      columns: {
        arrived: 'Create Date', status: 'Deal Stage', source: 'Original Source Type', owner: 'Deal owner', value: 'Amount',
        removedAt: entered('Closed Lost'),
      },
      stageDates: Object.fromEntries(DEAL_STAGES.slice(1).map(s => [s, entered(s)])),
      dateOrder: 'ymd',
      stages: DEAL_STAGES,
      exits: [{ name: 'Closed Lost', removes: true }],
    },
    sims,
  );
  return textExport(
    { id: 'hubspot-deals', tool: 'HubSpot deals export', fileName: 'hubspot-deals.csv', timeZone: 'America/Chicago' },
    truth,
    csvText(header, rows, STYLE),
    'utf8',
  );
}

export function hubspotExports(): CorpusExport[] {
  return [hubspotContacts(), hubspotDeals()];
}
