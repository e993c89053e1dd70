/** Shared helpers for the file-layer tests: temp folders, generated leads, a fake spreadsheet, a tiny zip writer. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { WorkbookRange, WorkbookSheet, WorkbookSource } from '../../src/offline/files/write.ts';

const made: string[] = [];

/** A fresh temp folder, removed by cleanupTempDirs(). */
export function tempDir(prefix = 'leadflow-files-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function writeTemp(dir: string, name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Deterministic generated leads (no real data). */
export function generatedLeads(n: number): string[][] {
  const sources = ['Web Form', 'Referral', 'Cold Call', 'Trade Show'];
  const statuses = ['New', 'Contacted', 'Qualified', 'Lost'];
  const rows: string[][] = [];
  for (let i = 1; i <= n; i++) {
    rows.push([
      String(1000 + i),
      `Lead ${i}`,
      `lead${i}@example.test`,
      sources[i % sources.length],
      statuses[i % statuses.length],
      `2023-0${(i % 9) + 1}-1${i % 10} 0${i % 10}:15:00`,
      `$${(i * 1250).toLocaleString('en-US')}.00`,
    ]);
  }
  return rows;
}

export function toCsv(rows: string[][], delimiter = ',', eol = '\n'): string {
  const q = (f: string) => (/[",\n\r;\t]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return rows.map(r => r.map(q).join(delimiter)).join(eol) + eol;
}

// ---------------------------------------------------------------------------------------------
// A fake Apps Script spreadsheet (plain objects implementing the methods the writer reads)

export interface FakeCell {
  value?: unknown;
  formula?: string;
  format?: string;
  bold?: boolean;
  background?: string;
  note?: string;
}

export interface FakeSheetSpec {
  name: string;
  cells: (FakeCell | string | number | boolean | Date | null)[][];
  frozenRows?: number;
  hidden?: boolean;
}

function norm(c: FakeCell | string | number | boolean | Date | null): FakeCell {
  if (c === null) return { value: '' };
  if (typeof c === 'object' && !(c instanceof Date)) return c;
  return { value: c };
}

export function fakeSpreadsheet(timeZone: string, sheets: FakeSheetSpec[]): WorkbookSource {
  return {
    getSpreadsheetTimeZone: () => timeZone,
    getSheets: () => sheets.map((spec): WorkbookSheet => {
      const width = Math.max(1, ...spec.cells.map(r => r.length));
      const grid = (spec.cells.length ? spec.cells : [[]]).map(r => {
        const row = r.map(norm);
        while (row.length < width) row.push({ value: '' });
        return row;
      });
      const map = <T>(f: (c: FakeCell) => T): T[][] => grid.map(r => r.map(f));
      const range: WorkbookRange = {
        getValues: () => map(c => c.value ?? ''),
        getFormulas: () => map(c => c.formula ?? ''),
        getNumberFormats: () => map(c => c.format ?? '0.###############'),
        getFontWeights: () => map(c => (c.bold ? 'bold' : 'normal')),
        getBackgrounds: () => map(c => c.background ?? '#ffffff'),
        getNotes: () => map(c => c.note ?? ''),
      };
      return {
        getName: () => spec.name,
        getDataRange: () => range,
        getFrozenRows: () => spec.frozenRows ?? 0,
        isSheetHidden: () => spec.hidden ?? false,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// A minimal zip writer (stored entries), for "a zip that is not an xlsx" cases

export function makeZip(entries: { name: string; data: string | Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    const name = Buffer.from(e.name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// ---------------------------------------------------------------------------------------------
// LibreOffice

/** Path of soffice if installed (LIBREOFFICE=/path overrides; LIBREOFFICE=none pretends it is absent), else null. */
export function findSoffice(): string | null {
  if (process.env.LIBREOFFICE === 'none') return null;
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map(d => join(d, 'soffice'));
  const candidates = [process.env.LIBREOFFICE, ...onPath, '/usr/lib/libreoffice/program/soffice',
    '/opt/libreoffice/program/soffice', '/Applications/LibreOffice.app/Contents/MacOS/soffice'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      if (statSync(c).isFile()) return c;
    } catch { /* next */ }
  }
  return null;
}

/** Appended to the titles of LibreOffice tests, so a skipped run says why. */
export const SOFFICE_SKIP_NOTE = findSoffice()
  ? ''
  : ' [SKIPPED: LibreOffice (soffice) is not installed; on Debian/Ubuntu: apt-get install -y libreoffice-calc-nogui]';

/**
 * A LibreOffice user profile that recalculates every formula of an xlsx on load
 * (Tools > Options > Calc > Formula > "Recalculation on file load" = Always, for Excel 2007+
 * and for ODF). LibreOffice's default is "never recalculate", which shows cached results.
 */
export function recalcProfile(dir: string): string {
  const user = join(dir, 'user');
  mkdirSync(user, { recursive: true });
  writeFileSync(join(user, 'registrymodifications.xcu'), `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`);
  return `file://${dir}`;
}

/** Runs soffice headless; resolves with stdout+stderr. */
export function runSoffice(soffice: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(soffice, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`soffice failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}
