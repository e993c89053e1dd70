/** Zoho CRM exports: Leads (status plus a Converted flag) and Deals (a.k.a. Potentials). */
import { amountCents, drawSource, pickW, textExport, type SourceSpec } from '../lib/build.ts';
import { arrival, at, DAY, fmt, later, monthKey } from '../lib/dates.ts';
import { company, email, firstName, lastName, phone } from '../lib/people.ts';
import { Rng } from '../lib/prng.ts';
import { csvText, money, type CsvStyle } from '../lib/text.ts';
import { computeTruth, type SimLead } from '../lib/truth.ts';
import type { CorpusExport } from '../lib/types.ts';

// Zoho's export: UTF-8 with a byte-order mark, every field quoted, LF line endings.
const STYLE: CsvStyle = { delimiter: ',', eol: '\n', quoteAll: true };

const LEAD_SOURCES: SourceSpec = {
  channels: [
    { name: 'Advertisement', weight: 12 },
    { name: 'Cold Call', weight: 14 },
    { name: 'Employee Referral', weight: 6 },
    { name: 'External Referral', weight: 7 },
    { name: 'Online Store', weight: 9 },
    { name: 'Partner', weight: 8 },
    { name: 'Public Relations', weight: 3 },
    { name: 'Seminar Partner', weight: 4 },
    { name: 'Trade Show', weight: 8 },
    { name: 'Web Download', weight: 10 },
    { name: 'Web Research', weight: 5 },
    { name: 'Chat', weight: 6 },
  ],
  blank: 9,
};
const INDUSTRIES = [
  'ASP (Application Service Provider)', 'Data/Telecom OEM', 'ERP (Enterprise Resource Planning)', 'Government/Military',
  'Large Enterprise', 'ManagementISV', 'MSP (Management Service Provider)', 'Network Equipment Enterprise', 'Non-management ISV',
  'Service Provider', 'Small/Medium Enterprise', 'Systems Integrator', 'Wireless Industry', '', '', '',
];

const LEAD_STAGES = ['Not Contacted', 'Attempted to Contact', 'Contacted', 'Pre-Qualified', 'Converted'];
const STATUS_COUNTS_AS: Record<string, number> = {
  'Not Contacted': 0,
  'Attempted to Contact': 1,
  Contacted: 2,
  'Contact in Future': 2,
  'Pre-Qualified': 3,
  'Pre Qualified': 3,
  'Not Qualified': 2,
  'Junk Lead': 0,
  'Lost Lead': 0,
  '': 0,
};
const REMOVING = new Set(['Junk Lead', 'Lost Lead', 'Not Qualified']);

function zohoLeads(): CorpusExport {
  const rng = new Rng(0x20401);
  const start = at(2020, 9, 1);
  const end = at(2021, 11, 1); // Sep 2020 .. Oct 2021
  const now = at(2021, 11, 10);
  const n = 1500;
  const advance = [0.7, 0.66, 0.45];
  const owners = ['Arjun Mehta', 'Kavya Iyer', 'Rohan Kapoor', 'Sneha Pillai', 'Vikram Rao'];

  interface Lead {
    created: number;
    status: string;
    converted: boolean;
    source: string;
    row: string[];
  }
  const leads: Lead[] = [];
  const created = Array.from({ length: n }, () => arrival(rng, start, end)).sort((a, b) => a - b);
  let junkConverted = 0;
  created.forEach((c, i) => {
    let k = 0;
    let t = c;
    while (k < 3 && rng.chance(advance[k])) {
      const next = later(rng, t, 0, 14);
      if (next > now) break;
      k++;
      t = next;
    }
    const old = (now - t) / DAY > 10;
    let status: string;
    if (k === 0) status = old ? pickW(rng, [['Not Contacted', 70], ['Junk Lead', 18], ['Lost Lead', 12]] as const) : 'Not Contacted';
    else if (k === 1) status = old ? pickW(rng, [['Attempted to Contact', 80], ['Lost Lead', 20]] as const) : 'Attempted to Contact';
    else if (k === 2) status = pickW(rng, [['Contacted', 60], ['Contact in Future', 20], ['Not Qualified', 20]] as const);
    else status = rng.chance(0.2) ? 'Pre Qualified' : 'Pre-Qualified';
    let converted = false;
    if (old && ((k === 3 && rng.chance(0.55)) || (k === 2 && status === 'Contacted' && rng.chance(0.12)))) converted = true;
    // Odd but real: a lead converted after being marked junk, and converted leads whose status was never set.
    if (!converted && status === 'Junk Lead' && junkConverted < 4 && rng.chance(0.08)) {
      converted = true;
      junkConverted++;
    }
    if (converted && rng.chance(0.06)) status = '';
    const source = drawSource(rng, LEAD_SOURCES);
    const id = 5_725_767_000_000_418_001n + BigInt(i) * 17n;
    leads.push({
      created: c,
      status,
      converted,
      source,
      row: [
        `zcrm_${id}`, firstName(rng, 'en'), lastName(rng, 'en'), company(rng, 'en'), rng.pick(owners), email(i + 1),
        rng.chance(0.75) ? phone(rng, 'en') : '', rng.pick(INDUSTRIES), source, status, fmt.zohoTime(c), converted ? 'Yes' : 'No',
      ],
    });
  });
  if (junkConverted === 0) throw new Error('zoho-leads: no junk lead was converted');

  const header = ['Lead Id', 'First Name', 'Last Name', 'Company', 'Lead Owner', 'Email', 'Mobile', 'Industry', 'Lead Source', 'Lead Status', 'Created Time', 'Converted'];
  const sims: SimLead[] = leads.map(l => ({
    reached: l.converted ? 4 : STATUS_COUNTS_AS[l.status],
    source: l.source,
    month: monthKey(l.created),
    valueCents: null,
    removed: REMOVING.has(l.status),
  }));
  if (leads.some(l => l.status === '' && !l.converted)) throw new Error('zoho-leads: a lead with no evidence');
  const truth = computeTruth(
    {
      columns: { arrived: 'Created Time', status: 'Lead Status', source: 'Lead Source', owner: 'Lead Owner' },
      stageFlags: { Converted: 'Converted' },
      stages: LEAD_STAGES,
      exits: [
        { name: 'Junk Lead', removes: true },
        { name: 'Lost Lead', removes: true },
        { name: 'Not Qualified', removes: true },
        { name: 'Contact in Future', removes: false },
      ],
    },
    sims,
  );
  return textExport(
    { id: 'zoho-leads', tool: 'Zoho CRM leads export', fileName: 'zoho-leads.csv', timeZone: 'Asia/Kolkata' },
    truth,
    csvText(header, [...leads].reverse().map(l => l.row), STYLE),
    'utf8-bom',
  );
}

const DEAL_STAGES = ['Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won'];
const DEAL_PROBABILITY = [10, 20, 40, 60, 75, 90, 100];

function zohoDeals(): CorpusExport {
  const rng = new Rng(0x20402);
  const start = at(2021, 1, 4);
  const end = at(2021, 12, 21); // Jan .. Dec 2021
  const now = at(2022, 1, 10);
  const n = 500;
  const advance = [0.75, 0.7, 0.66, 0.64, 0.6, 0.58];
  const owners = ['Kavya Iyer', 'Dev Anand Rao', 'Maya Brooks', 'Chris Lawson'];
  const sources: SourceSpec = { ...LEAD_SOURCES, blank: 12 };

  interface Deal {
    created: number;
    reached: number;
    lost: boolean;
    cents: number | null;
    source: string;
    row: string[];
  }
  const deals: Deal[] = [];
  for (let i = 0; i < n; i++) {
    const c = arrival(rng, start, end);
    let k = 0;
    let t = c;
    while (k < 6 && rng.chance(advance[k])) {
      const next = later(rng, t, 2, 25);
      if (next > now) break;
      k++;
      t = next;
    }
    let stage = DEAL_STAGES[k];
    let prob = DEAL_PROBABILITY[k];
    let lost = false;
    let closing = later(rng, t, 10, 90, false);
    if (k < 6) {
      const lostAt = later(rng, t, 5, 45, false);
      if (lostAt < now && rng.chance(0.5)) {
        lost = true;
        stage = rng.chance(0.7) ? 'Closed Lost' : 'Closed-Lost to Competition';
        prob = 0;
        closing = lostAt;
      }
    } else closing = later(rng, t, 0, 0, false);
    const cents = rng.chance(0.1) ? null : amountCents(rng, 1000, 80000, 10000);
    const expected = cents === null ? '' : `$${money.en(Math.round((cents * prob) / 100))}`;
    const source = drawSource(rng, sources);
    const org = company(rng, 'en');
    deals.push({
      created: c,
      reached: lost ? 0 : k,
      lost,
      cents,
      source,
      row: [
        `${org} - ${rng.pick(['Annual licence', 'Onboarding', 'Hardware refresh', 'Support plan'])}`, rng.pick(owners), fmt.zohoTime(c),
        fmt.zohoDate(closing), cents === null ? '' : `$${money.en(cents)}`, expected, stage,
        lost ? 'Omitted' : k === 6 ? 'Closed' : pickW(rng, [['Pipeline', 6], ['Best Case', 2], ['Commit', k >= 4 ? 3 : 0]] as const),
        pickW(rng, [['New Business', 6], ['Existing Business', 3], ['', 1]] as const), source, String(prob),
      ],
    });
  }
  const header = ['Deal Name', 'Deal Owner', 'Created Time', 'Closing Date', 'Amount', 'Expected Revenue', 'Stage', 'Forecast Type', 'Type', 'Lead Source', 'Probability (%)'];
  const sims: SimLead[] = deals.map(d => ({ reached: d.reached, source: d.source, month: monthKey(d.created), valueCents: d.cents, removed: d.lost }));
  const truth = computeTruth(
    {
      columns: { arrived: 'Created Time', status: 'Stage', source: 'Lead Source', owner: 'Deal Owner', value: 'Amount' },
      stages: DEAL_STAGES,
      exits: [
        { name: 'Closed Lost', removes: true },
        { name: 'Closed-Lost to Competition', removes: true },
      ],
    },
    sims,
  );
  return textExport(
    { id: 'zoho-deals', tool: 'Zoho CRM deals (potentials) export', fileName: 'zoho-deals.csv', timeZone: 'America/Denver' },
    truth,
    csvText(header, deals.map(d => d.row), STYLE),
    'utf8-bom',
  );
}

export function zohoExports(): CorpusExport[] {
  return [zohoLeads(), zohoDeals()];
}
