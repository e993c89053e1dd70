/** Sheets that exercise the reader's edges: stage dates instead of a status, and day-first dates mangled by a month-first import. */
import ExcelJS from 'exceljs';
import { amountCents, drawSource, textExport, type SourceSpec } from '../lib/build.ts';
import { arrival, at, DAY, fmt, monthKey, wall } from '../lib/dates.ts';
import { handSims, simulateHandKept, type HandSpec } from '../lib/handkept.ts';
import { email, fullName } from '../lib/people.ts';
import { Rng } from '../lib/prng.ts';
import { csvText, money, type CsvStyle } from '../lib/text.ts';
import { computeTruth, type SimLead } from '../lib/truth.ts';
import type { CorpusExport } from '../lib/types.ts';
import { fixZipTimes } from '../lib/zip.ts';

function stageDatesOnly(): CorpusExport {
  const rng = new Rng(0x57a9e5);
  const start = at(2022, 7, 1);
  const end = at(2023, 7, 1); // Jul 2022 .. Jun 2023 (an Australian financial year)
  const now = at(2023, 7, 14);
  const n = 500;
  const sources: SourceSpec = {
    channels: [
      { name: 'Website', weight: 30, variants: ['website', 'Website '] },
      { name: 'Referral', weight: 22, variants: ['referral'] },
      { name: 'Google Ads', weight: 18, variants: ['google ads', 'Google  Ads'] },
      { name: 'Trade show', weight: 10, variants: ['Trade Show'] },
      { name: 'Cold call', weight: 10 },
    ],
    blank: 10,
  };
  const owners = ['Mia', 'Jack', 'Charlotte', 'Lachlan'];

  interface Row {
    first: number;
    firstBlank: boolean;
    meeting: number | null;
    won: number | null;
    cents: number | null;
    source: string;
    row: string[];
  }
  const days = Array.from({ length: n }, () => arrival(rng, start, end, undefined, false)).sort((a, b) => a - b);
  const out: Row[] = days.map((first, i) => {
    let meeting: number | null = null;
    let won: number | null = null;
    if (rng.chance(0.45)) {
      const m = first + rng.int(1, 30) * DAY;
      if (m <= now) meeting = m;
    }
    if (meeting !== null && rng.chance(0.42)) {
      const w = meeting + rng.int(3, 45) * DAY;
      if (w <= now) won = w;
    } else if (meeting === null && rng.chance(0.03)) {
      // Signed on the first call: the meeting date was never filled.
      won = first + rng.int(0, 10) * DAY;
    }
    const firstBlank = meeting !== null && rng.chance(0.07);
    const cents = won !== null ? (rng.chance(0.95) ? amountCents(rng, 800, 25000, 10000) : null) : meeting !== null && rng.chance(0.6) ? amountCents(rng, 800, 25000, 10000) : null;
    const source = drawSource(rng, sources);
    return {
      first,
      firstBlank,
      meeting,
      won,
      cents,
      source,
      row: [
        fullName(rng, 'en'), email(i + 1), source, rng.chance(0.05) ? '' : rng.pick(owners), firstBlank ? '' : fmt.isoDate(first),
        meeting === null ? '' : fmt.isoDate(meeting), won === null ? '' : fmt.isoDate(won), cents === null ? '' : money.plain(cents),
      ],
    };
  });
  const header = ['Name', 'Email', 'Source', 'Owner', 'First contact date', 'Meeting date', 'Won date', 'Deal value'];
  const sims: SimLead[] = out.map(r => ({
    reached: r.won !== null ? 2 : r.meeting !== null ? 1 : 0,
    source: r.source,
    month: r.firstBlank ? null : monthKey(r.first),
    valueCents: r.cents,
    removed: false,
  }));
  const truth = computeTruth(
    {
      columns: { arrived: 'First contact date', source: 'Source', owner: 'Owner', value: 'Deal value' },
      stageDates: { Meeting: 'Meeting date', Won: 'Won date' },
      dateOrder: 'ymd',
      stages: ['First contact', 'Meeting', 'Won'],
      exits: [],
    },
    sims,
  );
  const style: CsvStyle = { delimiter: ',', eol: '\n', quoteAll: false };
  return textExport(
    { id: 'stage-dates-only', tool: 'English sheet with a date per stage and no status column', fileName: 'stage-dates-only.csv', timeZone: 'Australia/Sydney' },
    truth,
    csvText(header, out.map(r => r.row), style),
    'utf8',
  );
}

const COURSES = ['IELTS Preparation', 'Spoken English', 'Python Basics', 'Data Analytics', 'GCSE Maths Tuition', 'Digital Marketing'];

function dayOrderMangled(): CorpusExport {
  const stages = ['New Enquiry', 'Contacted', 'Demo Attended', 'Payment Done'];
  const spec: HandSpec = {
    seed: 0xd0a001,
    n: 600,
    start: at(2017, 9, 1),
    end: at(2018, 9, 1), // Sep 2017 .. Aug 2018, an academic year
    monthWeight: m => (m === '2017-09' || m === '2018-01' ? 1 : m === '2017-12' ? 0.4 : 0.7),
    stages,
    exit: 'Lost',
    advance: [0.75, 0.55, 0.45],
    lostRate: 0.4,
    blankDate: 0.02,
    valueFrom: 2,
    valueRange: [250, 2400],
    valueStepCents: 5000,
    valueBlank: 0.06,
    lostKeepsValue: 0.5,
    sources: {
      channels: [
        { name: 'Instagram', weight: 24, variants: ['instagram'] },
        { name: 'Facebook', weight: 18, variants: ['facebook', 'Facebook '] },
        { name: 'Google', weight: 20 },
        { name: 'Referral', weight: 16, variants: ['referral', 'Referral '] },
        { name: 'Education fair', weight: 10, variants: ['Education Fair'] },
      ],
      blank: 8,
    },
    owners: ['Priya', 'Tom', 'Aisha', 'Ben'],
    ownerBlank: 0.04,
  };
  const { rng, leads } = simulateHandKept(spec);
  const header = ['Enquiry date', 'Student', 'Course', 'Source', 'Counsellor', 'Status', 'Fee'];
  // Each enquiry date as the sheet holds it after a month-first import of day-first text:
  // a date cell (day and month swapped) when the written day is 12 or less, the text otherwise.
  const cells: (string | number | Date | null)[][] = leads.map(l => {
    let date: string | Date | null = null;
    if (!l.dateBlank) {
      const w = wall(l.day);
      date = w.d <= 12 ? new Date(Date.UTC(w.y, w.d - 1, w.m)) : fmt.dmy(l.day);
    }
    return [date, fullName(rng, 'en'), rng.pick(COURSES), l.source || null, l.owner || null, l.status, l.cents === null ? null : l.cents / 100];
  });
  const truth = computeTruth(
    {
      columns: { arrived: 'Enquiry date', status: 'Status', source: 'Source', owner: 'Counsellor', value: 'Fee' },
      dateOrder: 'dmy',
      stages,
      exits: [{ name: 'Lost', removes: true }],
    },
    handSims(leads),
  );
  return {
    id: 'day-order-mangled',
    tool: 'UK hand-kept sheet re-saved as xlsx after a Google Sheets (en_US) CSV import',
    fileName: 'day-order-mangled.xlsx',
    timeZone: 'Europe/London',
    truth,
    bytes: async () => {
      const wb = new ExcelJS.Workbook();
      const stamp = new Date(Date.UTC(2018, 8, 3, 10, 15, 0));
      wb.creator = 'Example';
      wb.lastModifiedBy = 'Example';
      wb.created = stamp;
      wb.modified = stamp;
      const ws = wb.addWorksheet('Enquiries');
      ws.addRow(header);
      for (const r of cells) {
        const row = ws.addRow(r.map(v => (v === null ? undefined : v)));
        const c = row.getCell(1);
        if (c.value instanceof Date) c.numFmt = 'm/d/yyyy';
      }
      return fixZipTimes(Buffer.from(await wb.xlsx.writeBuffer()));
    },
  };
}

export function otherExports(): CorpusExport[] {
  return [stageDatesOnly(), dayOrderMangled()];
}
