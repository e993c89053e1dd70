/** Sheets small businesses keep by hand, saved as CSV by Excel, LibreOffice or Google Sheets in their own locale. */
import { textExport, type SourceSpec } from '../lib/build.ts';
import { at, fmt } from '../lib/dates.ts';
import { handSims, simulateHandKept, type HandSpec } from '../lib/handkept.ts';
import { company, email, fullName, phone } from '../lib/people.ts';
import type { Rng } from '../lib/prng.ts';
import { csvText, money, type CsvStyle } from '../lib/text.ts';
import { computeTruth } from '../lib/truth.ts';
import type { CorpusExport } from '../lib/types.ts';

const FR_NOTES: (readonly [string, number])[] = [
  ['', 60],
  ['Demande de devis pour 3 postes', 4],
  ['Bonjour,\r\nje souhaiterais un rendez-vous la semaine prochaine.\r\nMerci', 3],
  ['=HYPERLINK("http://example.test","clic")', 2],
  ['=1+1', 2],
  ['+ rappeler lundi', 3],
  ['@jean', 2],
  ['-10% demandé sur le devis', 2],
  ['Client "historique" ; à relancer', 2],
  ['Vu au salon; intéressé par l\'offre Pro', 2],
  ['Formulaire web : « besoin urgent »', 2],
];

function handKeptFr(): CorpusExport {
  const stages = ['Nouveau', 'Contacté', 'Qualifié', 'Proposition envoyée', 'Gagné'];
  const sources: SourceSpec = {
    channels: [
      { name: 'Google', weight: 30, variants: ['google', ' Google', 'Google ', 'GOOGLE'], variantRate: 0.25 },
      { name: 'Bouche à oreille', weight: 18, variants: ['bouche à oreille', 'Bouche  à oreille'] },
      { name: 'Salon', weight: 12, variants: ['salon', 'Salon '] },
      { name: 'Facebook', weight: 10, variants: ['facebook'] },
      { name: 'LinkedIn', weight: 8, variants: ['Linkedin', 'linkedin'] },
      { name: 'Site web', weight: 14, variants: ['site web', 'Site  web'] },
    ],
    blank: 8,
  };
  const spec: HandSpec = {
    seed: 0xf7001,
    n: 400,
    start: at(2017, 6, 1),
    end: at(2018, 10, 1), // Jun 2017 .. Sep 2018; closed in August 2018, quiet in August 2017
    monthWeight: m => (m === '2018-08' ? 0 : m === '2017-08' ? 0.3 : m.endsWith('-12') ? 0.7 : 1),
    stages,
    exit: 'Perdu',
    advance: [0.72, 0.6, 0.6, 0.45],
    lostRate: 0.35,
    blankDate: 0.03,
    valueFrom: 2,
    valueRange: [300, 25000],
    valueStepCents: 50,
    valueBlank: 0.1,
    lostKeepsValue: 0.6,
    sources,
    owners: ['Claire', 'Julien', 'Sophie', 'Marc'],
    ownerBlank: 0.05,
  };
  const { rng, leads } = simulateHandKept(spec);
  const header = ['Date de création', 'Nom', 'Société', 'Email', 'Source', 'Responsable', 'Statut', 'Montant', 'Notes'];
  const rows = leads.map(l => [
    l.dateBlank ? '' : fmt.dmy(l.day), fullName(rng, 'fr'), rng.chance(0.85) ? company(rng, 'fr') : '', email(l.no),
    l.source, l.owner, l.status, l.cents === null ? '' : `${money.eu(l.cents)} €`, rng.weighted(FR_NOTES),
  ]);
  const style: CsvStyle = { delimiter: ';', eol: '\r\n', quoteAll: false };
  // Excel keeps writing rows whose cells were cleared but still formatted.
  const trailer = [';;;;;;;;', ';;;;;;;;'];
  const truth = computeTruth(
    {
      columns: { arrived: 'Date de création', status: 'Statut', source: 'Source', owner: 'Responsable', value: 'Montant' },
      dateOrder: 'dmy',
      stages,
      exits: [{ name: 'Perdu', removes: true }],
    },
    handSims(leads),
  );
  return textExport(
    { id: 'hand-kept-fr', tool: 'French hand-kept sheet (Excel, CSV ; UTF-8 with BOM)', fileName: 'hand-kept-fr.csv', timeZone: 'Europe/Paris' },
    truth,
    csvText(header, rows, style, trailer),
    'utf8-bom',
  );
}

function handKeptDe(): CorpusExport {
  const stages = ['Neu', 'Kontaktiert', 'Qualifiziert', 'Angebot', 'Gewonnen'];
  const spec: HandSpec = {
    seed: 0xde001,
    n: 350,
    start: at(2019, 3, 1),
    end: at(2020, 5, 1), // Mar 2019 .. Apr 2020
    stages,
    exit: 'Verloren',
    advance: [0.7, 0.6, 0.55, 0.5],
    lostRate: 0.3,
    blankDate: 0.02,
    valueFrom: 2,
    valueRange: [500, 40000],
    valueStepCents: 50,
    valueBlank: 0.08,
    lostKeepsValue: 0.5,
    sources: {
      channels: [
        { name: 'Messe', weight: 20, variants: ['messe', 'Messe '] },
        { name: 'Empfehlung', weight: 22, variants: ['empfehlung', ' Empfehlung'] },
        { name: 'Website', weight: 26, variants: ['website', 'WEBSITE'] },
        { name: 'Google', weight: 12, variants: ['google'] },
        { name: 'LinkedIn', weight: 6 },
        { name: 'Kaltakquise', weight: 7, variants: ['kaltakquise'] },
      ],
      blank: 7,
    },
    owners: ['Jürgen', 'Sabine', 'Till', 'Käthe'],
    ownerBlank: 0.03,
  };
  const { rng, leads } = simulateHandKept(spec);
  const header = ['Erstellt am', 'Name', 'Firma', 'Quelle', 'Verantwortlich', 'Status', 'Betrag'];
  const rows = leads.map(l => [
    l.dateBlank ? '' : fmt.dmyDot(l.day), fullName(rng, 'de'), rng.chance(0.9) ? company(rng, 'de') : '', l.source, l.owner, l.status,
    l.cents === null ? '' : money.eu(l.cents),
  ]);
  // Excel's "Unicode Text": UTF-16LE with a byte-order mark, tab separated, CRLF.
  const style: CsvStyle = { delimiter: '\t', eol: '\r\n', quoteAll: false };
  const truth = computeTruth(
    {
      columns: { arrived: 'Erstellt am', status: 'Status', source: 'Quelle', owner: 'Verantwortlich', value: 'Betrag' },
      dateOrder: 'dmy',
      stages,
      exits: [{ name: 'Verloren', removes: true }],
    },
    handSims(leads),
  );
  return textExport(
    { id: 'hand-kept-de', tool: 'German hand-kept sheet (Excel "Unicode Text": UTF-16LE, tabs)', fileName: 'hand-kept-de.csv', timeZone: 'Europe/Berlin' },
    truth,
    csvText(header, rows, style),
    'utf16le-bom',
  );
}

function handKeptEs(): CorpusExport {
  const stages = ['Nuevo', 'Contactado', 'Calificado', 'Propuesta', 'Ganado'];
  const spec: HandSpec = {
    seed: 0xe5001,
    n: 300,
    start: at(2021, 9, 1),
    end: at(2022, 9, 1), // Sep 2021 .. Aug 2022
    monthWeight: m => (m === '2022-08' ? 0.35 : 1),
    stages,
    exit: 'Perdido',
    advance: [0.7, 0.62, 0.55, 0.5],
    lostRate: 0.3,
    blankDate: 0.02,
    valueFrom: 2,
    valueRange: [200, 15000],
    valueStepCents: 50,
    valueBlank: 0.1,
    lostKeepsValue: 0.5,
    sources: {
      channels: [
        { name: 'Instagram', weight: 24, variants: ['instagram', 'Instagram '] },
        { name: 'Recomendación', weight: 20, variants: ['recomendación'] },
        { name: 'Web', weight: 26, variants: ['web', ' Web', 'WEB'] },
        { name: 'Feria', weight: 10, variants: ['feria'] },
        { name: 'Google', weight: 12 },
      ],
      blank: 8,
    },
    owners: ['Lucía', 'Javier', 'Carmen'],
    ownerBlank: 0.04,
  };
  const { rng, leads } = simulateHandKept(spec);
  const header = ['Fecha de alta', 'Nombre', 'Empresa', 'Origen', 'Responsable', 'Estado', 'Importe'];
  const rows = leads.map(l => [
    l.dateBlank ? '' : fmt.dmy(l.day), fullName(rng, 'es'), rng.chance(0.8) ? company(rng, 'es') : '', l.source, l.owner, l.status,
    l.cents === null ? '' : `${money.eu(l.cents)} €`,
  ]);
  // LibreOffice on Linux: LF line endings, no BOM. The sheet ends with a blank row and a totals row.
  const style: CsvStyle = { delimiter: ';', eol: '\n', quoteAll: false };
  const total = leads.reduce((s, l) => s + (l.cents ?? 0), 0);
  const trailer = [';;;;;;', `TOTAL;;;;;;${money.eu(total)} €`];
  const truth = computeTruth(
    {
      columns: { arrived: 'Fecha de alta', status: 'Estado', source: 'Origen', owner: 'Responsable', value: 'Importe' },
      dateOrder: 'dmy',
      stages,
      exits: [{ name: 'Perdido', removes: true }],
    },
    handSims(leads),
  );
  return textExport(
    { id: 'hand-kept-es', tool: 'Spanish hand-kept sheet (LibreOffice CSV ;, with a totals row)', fileName: 'hand-kept-es.csv', timeZone: 'Europe/Madrid' },
    truth,
    csvText(header, rows, style, trailer),
    'utf8',
  );
}

function handKeptPt(): CorpusExport {
  const stages = ['Novo', 'Contatado', 'Qualificado', 'Proposta', 'Ganho'];
  const spec: HandSpec = {
    seed: 0xb7001,
    n: 450,
    start: at(2022, 2, 1),
    end: at(2023, 5, 1), // Feb 2022 .. Apr 2023
    stages,
    exit: 'Perdido',
    advance: [0.7, 0.6, 0.55, 0.5],
    lostRate: 0.33,
    blankDate: 0.03,
    valueFrom: 2,
    valueRange: [300, 30000],
    valueStepCents: 50,
    valueBlank: 0.1,
    lostKeepsValue: 0.5,
    sources: {
      channels: [
        { name: 'Indicação', weight: 22, variants: ['indicação', 'Indicação '] },
        { name: 'Instagram', weight: 24, variants: ['instagram', 'instagram '] },
        { name: 'WhatsApp', weight: 20, variants: ['Whatsapp', 'whatsapp'] },
        { name: 'Google', weight: 14, variants: ['google'] },
        { name: 'Site', weight: 10, variants: ['site'] },
      ],
      blank: 8,
    },
    owners: ['João', 'Luíza', 'Conceição', 'Thaís'],
    ownerBlank: 0.03,
  };
  const { rng, leads } = simulateHandKept(spec);
  const header = ['Data de criação', 'Nome', 'Empresa', 'Origem', 'Responsável', 'Situação', 'Valor'];
  const rows = leads.map(l => [
    l.dateBlank ? '' : fmt.dmy(l.day), fullName(rng, 'pt'), rng.chance(0.8) ? company(rng, 'pt') : '', l.source, l.owner, l.status,
    l.cents === null ? '' : `R$ ${money.eu(l.cents)}`,
  ]);
  // Excel pt-BR on Windows, "CSV (separado por vírgulas)": semicolons, windows-1252, CRLF.
  const style: CsvStyle = { delimiter: ';', eol: '\r\n', quoteAll: false };
  const truth = computeTruth(
    {
      columns: { arrived: 'Data de criação', status: 'Situação', source: 'Origem', owner: 'Responsável', value: 'Valor' },
      dateOrder: 'dmy',
      stages,
      exits: [{ name: 'Perdido', removes: true }],
    },
    handSims(leads),
  );
  return textExport(
    { id: 'hand-kept-pt', tool: 'Brazilian hand-kept sheet (Excel pt-BR CSV, windows-1252)', fileName: 'hand-kept-pt.csv', timeZone: 'America/Sao_Paulo' },
    truth,
    csvText(header, rows, style),
    'windows-1252',
  );
}

const JOBS = ['Kitchen refit, 2 walls', 'Bathroom', 'Loft conversion', 'Garden wall', 'Rewire (3-bed)', 'Roof repair', 'Extension - single storey', 'Patio, approx 20m²'];

function ukPostcode(rng: Rng): string {
  const L = 'ABCDEFGHJKLMNPRSTUWYZ';
  const c = () => L[rng.int(0, L.length - 1)];
  return `${c()}${c()}${rng.int(1, 20)} ${rng.int(1, 9)}${c()}${c()}`;
}

function tradeSheet(): CorpusExport {
  const stages = ['Enquiry', 'Site visit', 'Quoted', 'Signed'];
  const spec: HandSpec = {
    seed: 0x7ade01,
    n: 420,
    start: at(2023, 2, 1),
    end: at(2024, 4, 1), // Feb 2023 .. Mar 2024
    monthWeight: m => (m.endsWith('-12') ? 0.4 : m.endsWith('-01') ? 0.6 : 1),
    stages,
    exit: 'Lost',
    advance: [0.65, 0.7, 0.4],
    lostRate: 0.35,
    blankDate: 0.02,
    valueFrom: 2,
    valueRange: [400, 60000],
    valueStepCents: 10000,
    valueBlank: 0.05,
    lostKeepsValue: 0.7,
    sources: {
      channels: [
        { name: 'Checkatrade', weight: 25, variants: ['checkatrade', 'CheckaTrade'] },
        { name: 'Word of mouth', weight: 28, variants: ['word of mouth', 'Word of  mouth'] },
        { name: 'Facebook', weight: 16, variants: ['facebook', 'Facebook '] },
        { name: 'Van signage', weight: 8 },
        { name: 'Website', weight: 14, variants: ['website'] },
      ],
      blank: 9,
    },
    owners: ['Gary', 'Dean', 'Shaz'],
    ownerBlank: 0.05,
  };
  const { rng, leads } = simulateHandKept(spec);
  const header = ['Enquiry date', 'Customer', 'Job', 'Postcode', 'Source', 'Quoted by', 'Status', 'Quote'];
  const rows = leads.map(l => [
    l.dateBlank ? '' : fmt.dmy(l.day), fullName(rng, 'en'), rng.pick(JOBS), ukPostcode(rng), l.source, l.owner, l.status,
    l.cents === null ? '' : `£${(l.cents / 100).toLocaleString('en-GB')}`,
  ]);
  const style: CsvStyle = { delimiter: ',', eol: '\r\n', quoteAll: false };
  const truth = computeTruth(
    {
      columns: { arrived: 'Enquiry date', status: 'Status', source: 'Source', owner: 'Quoted by', value: 'Quote' },
      dateOrder: 'dmy',
      stages,
      exits: [{ name: 'Lost', removes: true }],
    },
    handSims(leads),
  );
  return textExport(
    { id: 'trade-sheet-signed', tool: 'UK builder\'s job sheet (Excel "CSV UTF-8"), won = Signed', fileName: 'trade-sheet-signed.csv', timeZone: 'Europe/London' },
    truth,
    csvText(header, rows, style),
    'utf8-bom',
  );
}

function gymSheet(): CorpusExport {
  const stages = ['Enquiry', 'Trial booked', 'Trial done', 'Paid'];
  const spec: HandSpec = {
    seed: 0x9e0001,
    n: 520,
    start: at(2023, 9, 1),
    end: at(2024, 9, 1), // Sep 2023 .. Aug 2024
    monthWeight: m => (m === '2024-01' ? 1 : m === '2023-12' ? 0.45 : 0.7),
    stages,
    exit: 'Not interested',
    advance: [0.7, 0.72, 0.5],
    lostRate: 0.4,
    blankDate: 0.01,
    valueFrom: 3,
    valueRange: [99, 1500],
    valueStepCents: 100,
    valueBlank: 0.04,
    lostKeepsValue: 0,
    sources: {
      channels: [
        { name: 'Instagram', weight: 30, variants: ['instagram', 'Instagram '], variantRate: 0.1 },
        { name: 'Walk-in', weight: 22, variants: ['walk-in', 'Walk-In'] },
        { name: 'Friend referral', weight: 18, variants: ['friend referral'] },
        { name: 'Google', weight: 16, variants: ['google'] },
        { name: 'Flyer', weight: 6 },
      ],
      blank: 8,
    },
    owners: ['Coach Mike', 'Coach Tasha', 'Coach Ray'],
    ownerBlank: 0.06,
  };
  const { rng, leads } = simulateHandKept(spec);
  const header = ['Date', 'Name', 'Phone', 'Source', 'Coach', 'Status', 'Plan value'];
  const rows = leads.map(l => [
    l.dateBlank ? '' : fmt.mdy(l.day), fullName(rng, 'en'), rng.chance(0.8) ? phone(rng, 'en') : '', l.source, l.owner, l.status,
    l.cents === null ? '' : `$${money.en(l.cents)}`,
  ]);
  // Downloaded from Google Sheets (en_US): comma, LF, UTF-8 without BOM.
  const style: CsvStyle = { delimiter: ',', eol: '\n', quoteAll: false };
  const truth = computeTruth(
    {
      columns: { arrived: 'Date', status: 'Status', source: 'Source', owner: 'Coach', value: 'Plan value' },
      dateOrder: 'mdy',
      stages,
      exits: [{ name: 'Not interested', removes: true }],
    },
    handSims(leads),
  );
  return textExport(
    { id: 'gym-trials-paid', tool: 'US gym trial tracker (Google Sheets CSV), won = Paid', fileName: 'gym-trials-paid.csv', timeZone: 'America/Phoenix' },
    truth,
    csvText(header, rows, style),
    'utf8',
  );
}

function noDates(): CorpusExport {
  const stages = ['New', 'Contacted', 'Qualified', 'Proposal', 'Won'];
  const spec: HandSpec = {
    seed: 0x0da7e5,
    n: 320,
    start: at(2022, 1, 1),
    end: at(2023, 1, 1),
    stages,
    exit: 'Lost',
    advance: [0.7, 0.6, 0.55, 0.45],
    lostRate: 0.3,
    blankDate: 0,
    valueFrom: 2,
    valueRange: [250, 20000],
    valueStepCents: 2500,
    valueBlank: 0.12,
    lostKeepsValue: 0.5,
    sources: {
      channels: [
        { name: 'Referral', weight: 26, variants: ['referral', 'Referral '] },
        { name: 'Website', weight: 30, variants: ['website', 'WEBSITE'] },
        { name: 'Cold call', weight: 14, variants: ['cold call', 'Cold  call'] },
        { name: 'LinkedIn', weight: 12, variants: ['Linkedin'] },
        { name: 'Trade show', weight: 9 },
      ],
      blank: 9,
    },
    owners: ['Alex', 'Brooke', 'Chris', 'Devi'],
    ownerBlank: 0.05,
  };
  const { rng, leads } = simulateHandKept(spec);
  const header = ['Name', 'Company', 'Source', 'Owner', 'Status', 'Value'];
  const rows = leads.map(l => [
    fullName(rng, 'en'), rng.chance(0.9) ? company(rng, 'en') : '', l.source, l.owner, l.status, l.cents === null ? '' : `$${money.en(l.cents)}`,
  ]);
  const style: CsvStyle = { delimiter: ',', eol: '\n', quoteAll: false };
  const truth = computeTruth(
    {
      columns: { status: 'Status', source: 'Source', owner: 'Owner', value: 'Value' },
      stages,
      exits: [{ name: 'Lost', removes: true }],
    },
    handSims(leads, false),
  );
  return textExport(
    { id: 'no-dates', tool: 'English hand-kept sheet with no dates', fileName: 'no-dates.csv', timeZone: 'America/Toronto' },
    truth,
    csvText(header, rows, style),
    'utf8',
  );
}

export function handKeptExports(): CorpusExport[] {
  return [handKeptFr(), handKeptDe(), handKeptEs(), handKeptPt(), noDates(), tradeSheet(), gymSheet()];
}
