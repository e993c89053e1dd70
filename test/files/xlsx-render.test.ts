/**
 * The report's xlsx in LibreOffice: every formula recalculates to the value LeadFlow cached, and
 * the printed report (PDF) is a few landscape pages per built sheet with the native charts drawn
 * (their titles in the text, the funnel's bars and net lead flow's green and red columns in the
 * pixels). Needs soffice, and poppler-utils (pdftotext, pdftoppm) for the printed part.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/report/grid.ts';
import { sampleLeads } from '../../src/core/sample';
import { runReport } from '../../src/offline/report';
import { expectPlansRecalculated, recalcWithLibreOffice } from '../report/lo.ts';
import { cleanupTempDirs, findSoffice, runSoffice, SOFFICE_SKIP_NOTE, tempDir } from './helpers.ts';

const onPath = (cmd: string) => (process.env.PATH ?? '').split(delimiter).some((d) => {
  try {
    return statSync(join(d, cmd)).isFile();
  } catch {
    return false;
  }
});
const soffice = findSoffice();
const poppler = onPath('pdftotext') && onPath('pdftoppm');
const PDF_SKIP_NOTE = SOFFICE_SKIP_NOTE || (poppler ? '' : ' [SKIPPED: pdftotext/pdftoppm not installed; on Debian/Ubuntu: apt-get install -y poppler-utils]');

/** An 8-bit PNG (grey, RGB or RGBA, not interlaced) as RGB pixels. */
function decodePng(png: Buffer): { width: number; height: number; rgb: Buffer } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let p = 8;
  let width = 0;
  let height = 0;
  let channels = 3;
  const idat: Buffer[] = [];
  while (p < png.length) {
    const len = png.readUInt32BE(p);
    const type = png.toString('latin1', p + 4, p + 8);
    const data = png.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8], 'bit depth').toBe(8);
      expect(data[12], 'interlace').toBe(0);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]];
    } else if (type === 'IDAT') idat.push(data);
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const img = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? img[y * stride + x - channels] : 0;
      const b = y ? img[(y - 1) * stride + x] : 0;
      const c = x >= channels && y ? img[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      img[y * stride + x] = v & 0xff;
    }
  }
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const g = channels < 3;
    rgb[i * 3] = img[i * channels];
    rgb[i * 3 + 1] = img[i * channels + (g ? 0 : 1)];
    rgb[i * 3 + 2] = img[i * channels + (g ? 0 : 2)];
  }
  return { width, height, rgb };
}

/** Pixels within `tolerance` (per channel) of a colour #rrggbb. */
function pixelsOf(img: { rgb: Buffer }, hex: string, tolerance = 12): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < img.rgb.length; i += 3) {
    if (Math.abs(img.rgb[i] - r) <= tolerance && Math.abs(img.rgb[i + 1] - g) <= tolerance && Math.abs(img.rgb[i + 2] - b) <= tolerance) n++;
  }
  return n;
}

function csvOf(headers: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\n');
}

let dir: string;
let out: string;
let plans: Plan[];

beforeAll(async () => {
  dir = tempDir('leadflow-xlsx-render-');
  const sample = sampleLeads({ rows: 600, seed: 5, dateStyle: 'iso', timeZone: 'America/New_York', from: '2025-01-01', days: 300, stageDates: true, removalDates: true });
  const input = join(dir, 'leads.csv');
  writeFileSync(input, csvOf(sample.headers, sample.rows));
  out = join(dir, 'report.xlsx');
  ({ plans } = await runReport({ input, out, action: 'all', progress: null, report: null }));
}, 120_000);

afterAll(() => cleanupTempDirs());

describe('the report xlsx in LibreOffice', () => {
  it.skipIf(!soffice)(`recalculates every formula of every built sheet to the value LeadFlow cached${SOFFICE_SKIP_NOTE}`, async () => {
    const recalculated = await recalcWithLibreOffice([out], dir);
    expect(expectPlansRecalculated(plans, recalculated.get(out)!)).toBeGreaterThan(500);
  }, 300_000);

  it.skipIf(!soffice || !poppler)(`prints each built sheet on a few landscape pages, with its charts drawn${PDF_SKIP_NOTE}`, async () => {
    const pdfDir = join(dir, 'pdf');
    await runSoffice(soffice!, [`-env:UserInstallation=file://${join(dir, 'pdf-profile')}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', pdfDir, out], 300_000);
    const pdf = join(pdfDir, 'report.pdf');
    const pages = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\f');
    // The built sheets come first; the leads (after them) start with their header row.
    const leadsFrom = pages.findIndex((p) => /^\s*Lead ID\s+Company/m.test(p));
    expect(leadsFrom).toBeGreaterThanOrEqual(plans.length);
    expect(leadsFrom, 'pages for the three report sheets').toBeLessThanOrEqual(12);
    const report = pages.slice(0, leadsFrom);
    // Each page: the sheet's title on the left of the header, the page number in the footer.
    report.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toMatch(new RegExp(`Page ${i + 1} of \\d+`));
      expect(plans.some((p) => page.includes(String(p.values[0][0]))), `page ${i + 1} header`).toBe(true);
    });
    // Each sheet starts on its own page, in order.
    const firsts = plans.map((p) => report.findIndex((page) => page.trimStart().startsWith(String(p.values[0][0]))));
    expect(firsts[0]).toBe(0);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
    // Chart titles are drawn as text: each appears more often than the cells alone write it.
    const all = report.join('\n');
    for (const plan of plans) for (const chart of plan.charts) {
      const inCells = plan.values.flat().filter((v) => v === chart.title).length;
      const header = report.filter((p) => p.trimStart().startsWith(chart.title)).length;
      expect(all.split(chart.title).length - 1, chart.title).toBeGreaterThan(inCells + header);
    }
    // The funnel's bars (#1a73e8) on the funnel's page; net lead flow's green and red columns on its page.
    const png = (page: number) => {
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', String(page), '-l', String(page), '-singlefile', pdf, join(pdfDir, `page${page}`)]);
      return decodePng(readFileSync(join(pdfDir, `page${page}.png`)));
    };
    const funnel = png(firsts[plans.findIndex((p) => p.kind === 'funnel')] + 1);
    expect(pixelsOf(funnel, '#1a73e8'), 'funnel bars').toBeGreaterThan(500);
    const flowPlan = plans.find((p) => p.kind === 'flow')!;
    const flow = png(firsts[plans.indexOf(flowPlan)] + 1);
    const net = flowPlan.charts[0].series.find((s) => s.as === 'column')!;
    expect(pixelsOf(flow, net.color!), 'positive columns').toBeGreaterThan(50);
    expect(pixelsOf(flow, net.negativeColor!), 'negative columns').toBeGreaterThan(20);
  }, 300_000);
});
