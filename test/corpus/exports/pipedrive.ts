/** Pipedrive deals export: "Deal - ..." headers, open/won/lost status apart from the stage. */
import { amountCents, drawSource, pickW, textExport, type SourceSpec } from '../lib/build.ts';
import { arrival, at, fmt, later, monthKey } from '../lib/dates.ts';
import { company, fullName } from '../lib/people.ts';
import { Rng } from '../lib/prng.ts';
import { csvText, money, type CsvStyle } from '../lib/text.ts';
import { computeTruth, type SimLead } from '../lib/truth.ts';
import type { CorpusExport } from '../lib/types.ts';

const STYLE: CsvStyle = { delimiter: ',', eol: '\n', quoteAll: false };
const STAGES = ['Lead In', 'Contact Made', 'Demo Scheduled', 'Proposal Made', 'Negotiations Started', 'Won'];
const CHANNELS: SourceSpec = {
  channels: [
    { name: 'Web forms', weight: 24 },
    { name: 'Prospector', weight: 14 },
    { name: 'Campaigns', weight: 12 },
    { name: 'Import', weight: 10 },
    { name: 'Messaging inbox', weight: 8 },
    { name: 'Chatbot', weight: 6 },
    { name: 'Live chat', weight: 5 },
    { name: 'Web visitors', weight: 4 },
    { name: 'API', weight: 3 },
  ],
  blank: 14,
};
const LOST_REASONS = ['Price too high', 'Went with a competitor', 'No response', 'No budget this year', 'Timing, "maybe next quarter"', ''];

function pipedriveDeals(): CorpusExport {
  const rng = new Rng(0x9d0001);
  const start = at(2023, 4, 1);
  const end = at(2024, 5, 21); // Apr 2023 .. May 2024
  const now = at(2024, 6, 1, 9, 30);
  const n = 900;
  const advance = [0.66, 0.6, 0.56, 0.52];
  const owners = ['Lena Vogt', 'Jonas Brandt', 'Mira Kaya', 'Felix Sommer'];

  interface Deal {
    created: number;
    reached: number;
    status: 'open' | 'won' | 'lost';
    source: string;
    cents: number;
    row: string[];
  }
  const deals: Deal[] = [];
  const created = Array.from({ length: n }, () => arrival(rng, start, end)).sort((a, b) => a - b);
  created.forEach((c, i) => {
    let k = 0;
    let t = c;
    while (k < 4 && rng.chance(advance[k])) {
      const next = later(rng, t, 1, 21);
      if (next > now) break;
      k++;
      t = next;
    }
    let status: Deal['status'] = 'open';
    let wonAt: number | null = null;
    let lostAt: number | null = null;
    const closeAt = later(rng, t, 2, 40);
    if (closeAt < now) {
      if ((k === 4 && rng.chance(0.55)) || (k === 3 && rng.chance(0.12))) {
        status = 'won';
        wonAt = closeAt;
      } else if (rng.chance(0.5)) {
        status = 'lost';
        lostAt = closeAt;
      }
    }
    const cents = k < 2 && rng.chance(0.4) ? 0 : amountCents(rng, 800, 60000, rng.chance(0.1) ? 50 : 10000);
    const org = rng.chance(0.9) ? company(rng, 'en') : '';
    const person = fullName(rng, 'en');
    const owner = rng.pick(owners);
    const source = drawSource(rng, CHANNELS);
    deals.push({
      created: c,
      reached: status === 'won' ? 5 : k,
      status,
      source,
      cents,
      row: [
        String(101 + i), `${org || person} deal`, rng.chance(0.8) ? owner : 'Admin Example', owner, money.plain(cents), 'EUR', org, person,
        'Pipeline', STAGES[k], status, fmt.isoSecond(c), wonAt === null ? '' : fmt.isoSecond(wonAt), lostAt === null ? '' : fmt.isoSecond(lostAt),
        lostAt === null ? '' : rng.pick(LOST_REASONS), rng.chance(0.6) ? fmt.isoDate(later(rng, t, 5, 90, false)) : '', source,
      ],
    });
  });

  const header = [
    'Deal - ID', 'Deal - Title', 'Deal - Creator', 'Deal - Owner', 'Deal - Value', 'Deal - Currency', 'Deal - Organization',
    'Deal - Contact person', 'Deal - Pipeline', 'Deal - Stage', 'Deal - Status', 'Deal - Deal created', 'Deal - Won time',
    'Deal - Lost time', 'Deal - Lost reason', 'Deal - Expected close date', 'Deal - Source channel',
  ];
  const sims: SimLead[] = deals.map(d => ({ reached: d.reached, source: d.source, month: monthKey(d.created), valueCents: d.cents, removed: d.status === 'lost' }));
  const truth = computeTruth(
    {
      columns: {
        arrived: 'Deal - Deal created', status: 'Deal - Stage', result: 'Deal - Status', source: 'Deal - Source channel',
        owner: 'Deal - Owner', value: 'Deal - Value', removedAt: 'Deal - Lost time',
      },
      stageDates: { Won: 'Deal - Won time' },
      dateOrder: 'ymd',
      stages: STAGES,
      exits: [{ name: 'Lost', removes: true }],
    },
    sims,
  );
  return textExport(
    { id: 'pipedrive-deals', tool: 'Pipedrive deals export', fileName: 'pipedrive-deals.csv', timeZone: 'Europe/Berlin' },
    truth,
    csvText(header, deals.map(d => d.row), STYLE),
    'utf8',
  );
}

export function pipedriveExports(): CorpusExport[] {
  return [pipedriveDeals()];
}
