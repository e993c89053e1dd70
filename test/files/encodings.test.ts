/** Files in their local forms: separators, byte-order marks, UTF-16, windows-1252. All data generated. */
import { afterAll, describe, expect, it } from 'vitest';
import { DATE_FORMAT } from '../../src/offline/files/infer.ts';
import { detectDelimiter, readLeadsFile } from '../../src/offline/files/read.ts';
import { wallTimeToDate } from '../../src/offline/files/timezone.ts';
import { cleanupTempDirs, tempDir, writeTemp } from './helpers.ts';

afterAll(cleanupTempDirs);

const day = (year: number, month: number, d: number) =>
  wallTimeToDate({ year, month, day: d, hour: 0, minute: 0, second: 0, millisecond: 0 }, 'America/New_York');

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]);
/** windows-1252 bytes: Latin-1 plus € at 0x80. */
const cp1252 = (s: string) => Buffer.from(Array.from(s, ch => (ch === '€' ? 0x80 : ch.charCodeAt(0))));

/** A French CRM export: ";" separators, decimal commas, "€" after the amount, day-first dates. */
const FRENCH = [
  'Nom;Société;Montant;Créé le;Téléphone',
  'Élodie Exemple;Café Exemple SARL;1.234,50 €;01/02/2018;+33 6 12 34 56 78',
  'Noël Essai;Société Test;980,00 €;20/10/2017 14:05;+33612345678',
  'Zoé Test;Exemple & Fils;12\u00a0000,00 €;03/04/2018;',
  '',
].join('\r\n');

function expectFrench(t: Awaited<ReturnType<typeof readLeadsFile>>) {
  expect(t.rows[0]).toEqual(['Nom', 'Société', 'Montant', 'Créé le', 'Téléphone']);
  expect(t.rows[1]).toEqual(['Élodie Exemple', 'Café Exemple SARL', 1234.5, day(2018, 2, 1), '+33 6 12 34 56 78']);
  expect(t.rows[2]).toEqual(['Noël Essai', 'Société Test', 980, new Date('2017-10-20T18:05:00.000Z'), '+33612345678']);
  expect(t.rows[3]).toEqual(['Zoé Test', 'Exemple & Fils', 12000, day(2018, 4, 3), '']);
  expect(t.numberFormats[1]).toEqual([null, null, '#,##0.00 "€"', DATE_FORMAT, null]);
  expect(t.columns[2]).toEqual({ decimalComma: true, currency: '€' });
  expect(t.columns[3]).toEqual({ dateOrder: 'dmy', dateOrderFrom: 'values' });
  expect(t.notes).toEqual([
    'Column C "Montant": numbers read with a decimal comma (1.234,50 € is 1234.5), proven by 3 cells.',
    'Column D "Créé le": dates read day first (20/10/2017 is 20 October), proven by 1 cell.',
  ]);
}

describe('encodings', () => {
  it('reads a ";"-separated UTF-8 file with a BOM, decimal-comma euros and day-first dates', async () => {
    const dir = tempDir();
    expectFrench(await readLeadsFile(writeTemp(dir, 'export.csv', Buffer.concat([BOM, Buffer.from(FRENCH)]))));
    expectFrench(await readLeadsFile(writeTemp(dir, 'nobom.csv', FRENCH)));
  });

  it('reads UTF-16 LE and BE files with a BOM', async () => {
    const dir = tempDir();
    expectFrench(await readLeadsFile(writeTemp(dir, 'le.csv', utf16le(FRENCH))));
    expectFrench(await readLeadsFile(writeTemp(dir, 'be.csv', utf16be(FRENCH))));
    // the tab-separated "Unicode text" Excel saves
    const tabbed = FRENCH.replace(/;/g, '\t');
    expectFrench(await readLeadsFile(writeTemp(dir, 'le.txt', utf16le(tabbed))));
    expectFrench(await readLeadsFile(writeTemp(dir, 'be.txt', utf16be(tabbed))));
  });

  it('reads windows-1252, € included', async () => {
    const dir = tempDir();
    expectFrench(await readLeadsFile(writeTemp(dir, 'ansi.csv', cp1252(FRENCH.replace(/\u00a0/g, ' ')))));
  });

  it('reads "|"-separated files', async () => {
    const dir = tempDir();
    const t = await readLeadsFile(writeTemp(dir, 'pipe.csv', 'Name|Notes|Amount\nAna|a, b; c|"1,5"\nBo|x|2\n'));
    expect(t.rows).toEqual([['Name', 'Notes', 'Amount'], ['Ana', 'a, b; c', 1.5], ['Bo', 'x', 2]]);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['Nom;Montant;Date\nA;1.234,50 €;20/10/2017\nB;2,5;21/10/2017\n', ';'],
    ['Nom;Montant\nA;1,5\nB;2,5\nC;3,75\n', ';'],
    ['Nom;Notes\nA;"a, b, c"\nB;x,y\n', ';'],
    ['Name,Amount\nA,"1.234,50"\nB,"2,5"\n', ','],
    ['Name\tAmount\nA\t1,5\n', '\t'],
    ['Name|Amount\nA|1,5\n', '|'],
  ])('%j → %j', (sample, delimiter) => {
    expect(detectDelimiter(sample)).toBe(delimiter);
  });
});
