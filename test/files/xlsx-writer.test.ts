/**
 * LeadFlow's own xlsx writer (src/offline/files/xlsx, used by writeReportXlsx): a report written
 * from a generated export reads back in ExcelJS with every sheet, value, formula, format, style,
 * frozen pane, defined name, validation and conditional format where it belongs; the zip container
 * and the chart parts are checked byte by byte; text from the leads never becomes a formula.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_LAST_ROW, FILE_UNREAD_ROW, type Box, type Plan } from '../../src/core/report/grid.ts';
import { sampleLeads } from '../../src/core/sample';
import { toExcelFormula } from '../../src/offline/files/formulas.ts';
import { readRowsTo, writeReportXlsx } from '../../src/offline/files/report-writer.ts';
import { shownText } from '../../src/offline/files/xlsx/widths.ts';
import { columnLetters, escapeText, inlineText } from '../../src/offline/files/xlsx/xml.ts';
import { runReport } from '../../src/offline/report';
import { cleanupTempDirs, tempDir } from './helpers.ts';
import { readZip, type ZipEntry } from './zip-reader.ts';

const SERIAL_EPOCH = Date.UTC(1899, 11, 30);
const FORMULA_LIKE = ['=1+1', '=HYPERLINK("http://x","y")', '@maria', '+ call back', '-- no reply'];
const SPACED = ' Google';

const text = (zip: Map<string, ZipEntry>, name: string) => {
  const e = zip.get(name);
  expect(e, name).toBeDefined();
  return e!.data.toString('utf8');
};

function csvOf(headers: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\n');
}

/** A cell value as LeadFlow planned it: ExcelJS turns date-formatted numbers into Dates (to the millisecond). */
const plain = (v: unknown) => (v instanceof Date ? (v.getTime() - SERIAL_EPOCH) / 86_400_000 : v);
function expectSame(got: unknown, want: unknown, where: string): void {
  if (got instanceof Date && typeof want === 'number') expect(Math.abs((plain(got) as number) - want), where).toBeLessThan(1e-7);
  else expect(got, where).toEqual(want);
}
const boxCells = ([r, c, h, w]: Box) => Array.from({ length: h * w }, (_, i) => [r + Math.floor(i / w), c + (i % w)] as const);

let dir: string;
let out: string;
let plans: Plan[];
let leadRows: number;
const wb = new ExcelJS.Workbook();
let zip: Map<string, ZipEntry>;
const sample = sampleLeads({ rows: 600, seed: 11, dateStyle: 'iso', timeZone: 'America/New_York', from: '2025-01-01', days: 300, stageDates: true, removalDates: true });
const NEXT_STEP = sample.headers.indexOf('Next Step');

beforeAll(async () => {
  dir = tempDir('leadflow-xlsx-');
  // Formula-looking text and text with outer spaces in a column the report only reads as text.
  [...FORMULA_LIKE, SPACED].forEach((t, i) => { sample.rows[i][NEXT_STEP] = t; });
  const input = join(dir, 'leads.csv');
  writeFileSync(input, csvOf(sample.headers, sample.rows));
  out = join(dir, 'report.xlsx');
  const result = await runReport({ input, out, action: 'all', progress: null, report: null });
  plans = result.plans;
  leadRows = result.understood.table.rows.length;
  await wb.xlsx.readFile(out);
  zip = readZip(readFileSync(out));
}, 120_000);

afterAll(() => cleanupTempDirs());

describe('the report xlsx, read back', () => {
  it('has the sheets in order, the setup hidden under the LeadFlowSetup name, each print area', () => {
    // Each built sheet's per-lead cells, for Excel and LibreOffice, on a hidden sheet of its own.
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Funnel', 'Net lead flow', 'Lead review', 'Funnel · per lead', 'Net lead flow · per lead', 'Lead review · per lead', 'Leads', 'LeadFlow setup']);
    expect(wb.worksheets.map((w) => w.state)).toEqual(['visible', 'visible', 'visible', 'hidden', 'hidden', 'hidden', 'visible', 'hidden']);
    const setup = wb.getWorksheet('LeadFlow setup')!;
    const rows = setup.rowCount;
    expect(setup.getCell('A1').value).toBe('LeadFlow setup');
    expect(wb.definedNames.getRanges('LeadFlowSetup').ranges).toEqual([`'LeadFlow setup'!$A$1:$G$${rows}`]);
    plans.forEach((plan, i) => {
      const [r, c, h, w] = plan.printArea;
      const ws = wb.worksheets[i];
      expect(ws.pageSetup.printArea).toBe(`${String.fromCharCode(64 + c)}${r}:${String.fromCharCode(64 + c + w - 1)}${r + h - 1}`);
      expect(ws.pageSetup).toMatchObject({ fitToPage: true, orientation: 'landscape', fitToWidth: 1, fitToHeight: 0, paperSize: 9 });
    });
  });

  it('aligns the headers over numbers to the right, as the plan says, and no other cell', () => {
    let aligned = 0;
    plans.forEach((plan, i) => {
      const ws = wb.worksheets[i];
      const right = new Set(plan.rightAligned.flatMap((box) => boxCells(box).map(([r, c]) => `${r}:${c}`)));
      expect(plan.rightAligned.length, plan.name).toBeGreaterThan(0);
      plan.cells.forEach((row, r) => row.forEach((_, c) => {
        const isRight = ws.getCell(r + 1, c + 1).alignment?.horizontal === 'right';
        expect(isRight, `${plan.name} ${r + 1}:${c + 1}`).toBe(right.has(`${r + 1}:${c + 1}`));
        if (isRight) aligned++;
      }));
    });
    expect(aligned).toBeGreaterThan(20);
  });

  it('writes every plan cell: formulas (translated) with their cached values, values, formats and styles', () => {
    const lastRow = readRowsTo(leadRows);
    let formulas = 0;
    plans.forEach((plan, i) => {
      const ws = wb.worksheets[i];
      // A cell that reads an array expression in Sheets reads the per-lead sheet in the file.
      // Its rows the writer fills in: the last lead row the formulas read, and the one below.
      const withRows = (cell: ExcelJS.CellValue | string | number | boolean) => (typeof cell === 'string' ? cell.split(FILE_LAST_ROW).join(String(lastRow)).split(FILE_UNREAD_ROW).join(String(lastRow + 1)) : cell);
      const inFile = new Map((plan.xlsx?.formulas ?? []).map((cell) => [`${cell.row}:${cell.column}`, cell]));
      // Below a later sheet's Status → stage table the writer adds its check (a test of its own below).
      const check = i > 0 ? plan.xlsx?.perLead.stage?.check : undefined;
      plan.cells.forEach((row, r) => row.forEach((planned, c) => {
        if (check && r + 1 === check.row && (c + 1 === check.column || c + 1 === check.column + 5)) return;
        const fileCell = inFile.get(`${r + 1}:${c + 1}`);
        const raw = fileCell ? withRows(fileCell.formula) : planned;
        const cell = ws.getCell(r + 1, c + 1);
        const v = fileCell?.value !== undefined ? withRows(fileCell.value) as string : plan.values[r][c];
        const where = `${plan.name}!R${r + 1}C${c + 1}`;
        const value = cell.value as ExcelJS.CellValue & { formula?: string; result?: unknown };
        const t = typeof raw === 'string' && raw.startsWith('=') && raw.length > 1 ? toExcelFormula(raw, v, { lastRow }) : null;
        if (t) {
          formulas++;
          expect(value?.formula, where).toBe(t.formula);
          // (cell.value drops a result of 0; cell.result keeps it)
          const result = cell.result as unknown;
          if (v === '') expect(result ?? '', where).toBe('');
          else expectSame(result, v, where);
        } else if (v === '') {
          expect(value, where).toBeNull();
        } else {
          expectSame(value, v, where);
        }
        // Number formats as planned (Sheets' automatic format is General); booleans show TRUE / FALSE.
        const fmt = plan.formats[r][c];
        if (v !== '' && typeof v !== 'boolean' && fmt !== '0.###############') expect(cell.numFmt, where).toBe(fmt);
        const style = plan.styles[r][c];
        if (style && v !== '') {
          expect(cell.font?.bold, where).toBe(true);
          expect(cell.font?.size, where).toBe(style === 2 ? 14 : 10);
          expect((cell.fill as ExcelJS.FillPattern)?.fgColor?.argb, where).toBe(['', 'FFE8F0FE', 'FFD2E3FC', 'FFF1F3F4'][style]);
        }
      }));
    });
    expect(formulas).toBeGreaterThan(1000);
  });

  it('writes checkbox cells as booleans offered TRUE / FALSE, and highlights negatives', () => {
    const review = plans.findIndex((p) => p.kind === 'checklist');
    const ws = wb.worksheets[review];
    const validations = (ws as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
    const boxes = plans[review].checkboxes;
    expect(boxes.length).toBeGreaterThan(0);
    for (const box of boxes) {
      for (const [r, c] of boxCells(box)) {
        const cell = ws.getCell(r, c);
        expect(cell.type, cell.address).toBe(ExcelJS.ValueType.Boolean);
        expect(validations[cell.address], cell.address).toMatchObject({ type: 'list', formulae: ['"TRUE,FALSE"'] });
      }
    }
    const flow = plans.findIndex((p) => p.kind === 'flow');
    // (read back by ExcelJS, though its typings leave the property out)
    const cf = (wb.worksheets[flow] as unknown as { conditionalFormattings: ExcelJS.ConditionalFormattingOptions[] }).conditionalFormattings;
    expect(cf.map((f) => f.ref)).toEqual(plans[flow].negatives.map(([r, c, h]) => `${String.fromCharCode(64 + c)}${r}:${String.fromCharCode(64 + c)}${r + h - 1}`));
    for (const f of cf) {
      expect(f.rules).toHaveLength(1);
      const rule = f.rules[0] as ExcelJS.CellIsRuleType;
      expect(rule).toMatchObject({ type: 'cellIs', operator: 'lessThan', formulae: ['0'] });
      expect(rule.style?.fill).toMatchObject({ pattern: 'solid', bgColor: { argb: 'FFF4C7C3' } });
      expect(rule.style?.font?.color).toEqual({ argb: 'FFA50E0E' });
    }
  });

  it('fits column widths: numbers as shown, titles and notes spilling instead of widening column A', () => {
    plans.forEach((plan, i) => {
      const ws = wb.worksheets[i];
      const colA = ws.getColumn(1).width!;
      expect(colA, plan.name).toBeGreaterThanOrEqual(24);
      // Column A holds the sheet's title and its notes (over 100 characters): they spill.
      expect(colA, plan.name).toBeLessThan(36);
      const last = plan.printArea[1] + plan.printArea[3] - 1;
      plan.values.forEach((row, r) => row.slice(0, last).forEach((v, c) => {
        if (typeof v !== 'number') return;
        expect(ws.getColumn(c + 1).width!, `${plan.name}!R${r + 1}C${c + 1}`).toBeGreaterThanOrEqual(shownText(v, plan.formats[r][c]).length);
      }));
    });
    const leads = wb.getWorksheet('Leads')!;
    sample.headers.forEach((h, c) => {
      const w = leads.getColumn(c + 1).width!;
      expect(w, h).toBeGreaterThanOrEqual(Math.min(40, h.length));
      expect(w, h).toBeLessThanOrEqual(40);
    });
    const email = leads.getColumn(sample.headers.indexOf('Email') + 1).width!;
    expect(email).toBeGreaterThanOrEqual(25);
  });

  it('writes the leads as read: bold frozen header, dates with their format, text as text', () => {
    const leads = wb.getWorksheet('Leads')!;
    expect(leads.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(leads.rowCount).toBe(601);
    expect(leads.getRow(1).values).toEqual([undefined, ...sample.headers]);
    expect(leads.getCell('A1').font?.bold).toBe(true);
    const created = leads.getCell(2, sample.headers.indexOf('Created Time') + 1);
    expect(created.value).toBeInstanceOf(Date);
    expect(created.numFmt).toMatch(/yyyy-mm-dd/);
    // The wall time of the export, as written in the CSV.
    expect((created.value as Date).toISOString().slice(0, 19).replace('T', ' ')).toBe(sample.rows[0][sample.headers.indexOf('Created Time')]);
    const next = [...FORMULA_LIKE, SPACED].map((_, i) => leads.getCell(i + 2, NEXT_STEP + 1));
    expect(next.map((c) => c.value)).toEqual([...FORMULA_LIKE, SPACED]);
    for (const c of next) expect(c.type, c.address).toBe(ExcelJS.ValueType.String);
    // Nothing from the leads is a formula anywhere.
    leads.eachRow((row) => row.eachCell((cell) => expect(cell.type, cell.address).not.toBe(ExcelJS.ValueType.Formula)));
    const sheet = text(zip, 'xl/worksheets/sheet7.xml');
    expect(sheet).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(sheet).toContain(`<t xml:space="preserve">${SPACED}</t>`);
    expect(sheet).toContain('<t>=HYPERLINK("http://x","y")</t>');
  });
});

describe('the package', () => {
  it('is a zip of deflated parts, the sheets streamed with data descriptors, with every part declared and related', () => {
    const names = [...zip.keys()];
    expect(names[0]).toBe('[Content_Types].xml');
    for (const n of ['_rels/.rels', 'docProps/app.xml', 'docProps/core.xml', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml']) expect(names).toContain(n);
    for (let i = 1; i <= 8; i++) expect(zip.get(`xl/worksheets/sheet${i}.xml`)!.flags & 8, `sheet${i}`).toBe(8);
    const types = text(zip, '[Content_Types].xml');
    const charts = names.filter((n) => n.startsWith('xl/charts/'));
    expect(charts).toHaveLength(plans.reduce((n, p) => n + p.charts.length, 0));
    for (const n of names.filter((x) => /^xl\/(worksheets|charts|drawings)\/[^/]+\.xml$/.test(x))) expect(types, n).toContain(`PartName="/${n}"`);
    expect(text(zip, 'docProps/core.xml')).toContain('<dc:creator>LeadFlow</dc:creator>');
    const workbook = text(zip, 'xl/workbook.xml');
    expect(workbook).toContain('<sheet name="Funnel · per lead" sheetId="4" state="hidden" r:id="rId4"/>');
    expect(workbook).toContain('<sheet name="Net lead flow · per lead" sheetId="5" state="hidden" r:id="rId5"/>');
    expect(workbook).toContain('<sheet name="Lead review · per lead" sheetId="6" state="hidden" r:id="rId6"/>');
    expect(workbook).toContain('<sheet name="LeadFlow setup" sheetId="8" state="hidden" r:id="rId8"/>');
    expect(workbook).toContain(`<definedName name="_xlnm.Print_Area" localSheetId="0">'Funnel'!$A$1:`);
    const styles = text(zip, 'xl/styles.xml');
    expect(styles).toContain('<font><sz val="10"/><name val="Arial"/><family val="2"/></font>');
    expect(styles).toContain('<font><b/><sz val="14"/><name val="Arial"/><family val="2"/></font>');
    // Each sheet with charts has one drawing, related to its charts.
    expect(text(zip, 'xl/worksheets/_rels/sheet1.xml.rels')).toContain('Target="../drawings/drawing1.xml"');
    expect(text(zip, 'xl/drawings/_rels/drawing1.xml.rels')).toContain('Target="../charts/chart1.xml"');
    expect(text(zip, 'xl/worksheets/sheet1.xml')).toMatch(/<drawing r:id="rId1"\/><\/worksheet>$/);
  });

  it('has net lead flow and the review read the funnel\'s stage no. while their Status → stage tables say the same, checked below each table', () => {
    const workbook = text(zip, 'xl/workbook.xml');
    const nameOf = (name: string) => new RegExp(`<definedName name="${name}">([^<]*)</definedName>`).exec(workbook)?.[1];
    // The funnel works its stage no. out, the furthest stage evidence included, in one column.
    expect(nameOf('LF_Funnel_Stage_no')).toContain('MAX(');
    for (const [sheet, slug, xml, index] of [['Net lead flow', 'Net_lead_flow', 'sheet5.xml', 1], ['Lead review', 'Lead_review', 'sheet6.xml', 2]] as const) {
      const plan = plans[index];
      const { stage, columns } = plan.xlsx!.perLead;
      expect(stage, sheet).toBeDefined();
      const checkAt = `${columnLetters(stage!.check.column + 5)}${stage!.check.row}`;
      // The check: the same spellings (case and all) and stage numbers, row by row, as the funnel's table; TRUE when written.
      const built = text(zip, `xl/worksheets/sheet${index + 1}.xml`);
      const checkCell = new RegExp(`<c r="${checkAt}"[^>]*t="b"><f>([^<]*)</f><v>1</v></c>`).exec(built);
      expect(checkCell?.[1], sheet).toMatch(/^IFERROR\(SUMPRODUCT\(\('Funnel'!\$U\$9:\$U\$\d+=\$[A-Z]+\$9:\$[A-Z]+\$\d+\)\*EXACT\(.*\)\*\('Funnel'!\$W\$9:\$W\$\d+=\$[A-Z]+\$9:\$[A-Z]+\$\d+\)\)=\d+,FALSE\)$/);
      expect(built, sheet).toContain('While TRUE, each lead\'s stage no. is read from there.');
      // No stage no. name or cells of its own: the sheet's other names read the funnel's column while the check holds, and work it out otherwise.
      expect(nameOf(`LF_${slug}_Stage_no`), sheet).toBeUndefined();
      const readers = [...workbook.matchAll(new RegExp(`<definedName name="LF_${slug}_[^"]*">([^<]*)</definedName>`, 'g'))].map((name) => name[1]);
      expect(readers.length, sheet).toBe(columns.length - 1);
      for (const reader of readers) {
        // A lead without a status takes the funnel's cell whatever the check says (no table decides it); one with a status falls back on this sheet's table.
        expect(reader, sheet).toContain(escapeText(`IF(OR('${sheet}'!$${checkAt.replace(/(\d+)$/, '$$$1')},'Leads'!$G1=""),'Funnel · per lead'!$A1,IFERROR(MAX(ROUND(1/(1/VLOOKUP('Leads'!$G1,'${sheet}'!$`));
        expect(reader, sheet).not.toContain(escapeText(`IF('Leads'!$G1="",`));
        // Whether the row holds a lead is the funnel's cell's answer: the stage no. is a number in both sheets or in neither.
        expect(reader, sheet).toMatch(/^IF\(ISNUMBER\('Funnel · per lead'!\$A1\),/);
      }
      const perLead = text(zip, `xl/worksheets/${xml}`);
      expect(perLead, sheet).toContain(`<t>Stage no. (read from column A of Funnel · per lead while ${sheet}!${checkAt} is TRUE; worked out in this sheet's other columns otherwise)</t>`);
      expect(perLead, sheet).not.toMatch(/<c r="A2"/);
      expect(perLead, sheet).toMatch(/<c r="B2"><f>LF_/);
    }
    expect(text(zip, 'xl/worksheets/sheet4.xml')).toContain('<c r="A2"><f>LF_Funnel_Stage_no</f>');
  });

  it('writes no array constant into a per-lead name: net lead flow picks each lead\'s kind with CHOOSE', () => {
    // LibreOffice works a per-lead column whose formula holds {…} out cell by cell on its main
    // thread; with CHOOSE it shares the column among its threads (docs/recalculation.md).
    const workbook = text(zip, 'xl/workbook.xml');
    const perLeadNames = [...workbook.matchAll(/<definedName name="(LF_[^"]*)">([^<]*)<\/definedName>/g)];
    expect(perLeadNames.length).toBeGreaterThanOrEqual(4);
    for (const [, name, formula] of perLeadNames) expect(formula, name).not.toContain('{');
    const flowKeys = perLeadNames.find(([, name]) => name.startsWith('LF_Net_lead_flow_Keys'))?.[2];
    expect(flowKeys).toMatch(/CHOOSE\(2\*IFERROR\(VLOOKUP\('Leads'!\$[A-Z]+1,'Net lead flow'!\$[A-Z]+\$\d+:\$[A-Z]+\$\d+,7,FALSE\),0\)\+3\+/);
  });

  it('prints each built sheet landscape, one page wide, with the title, the date and page numbers', () => {
    plans.forEach((plan, i) => {
      const xml = text(zip, `xl/worksheets/sheet${i + 1}.xml`);
      expect(xml).toContain('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>');
      expect(xml).toContain('<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>');
      expect(xml).toContain(`<oddHeader>&amp;L${escapeText(String(plan.values[0][0]).replace(/&/g, '&&'))}&amp;R&amp;D</oddHeader>`);
      expect(xml).toContain('<oddFooter>&amp;CPage &amp;P of &amp;N</oddFooter>');
    });
  });

  it('draws the funnel as reversed horizontal bars with value labels, from the plan\'s cells and cached values', () => {
    const spec = plans[0].charts[0];
    expect(spec.type).toBe('funnel');
    const xml = text(zip, 'xl/charts/chart1.xml');
    expect(xml).toContain('<c:barDir val="bar"/>');
    expect(xml).toMatch(/<c:catAx><c:axId val="\d+"\/><c:scaling><c:orientation val="maxMin"\/>/);
    expect(xml).toContain('<c:crosses val="max"/>');
    expect(xml).toContain('<c:showVal val="1"/>');
    expect(xml).toContain('<a:srgbClr val="1A73E8"/>');
    expect(xml).toContain(`<a:t>${spec.title}</a:t>`);
    const [cr, cc, ch] = spec.categories;
    const [vr, vc, vh] = spec.series[0].values;
    const col = (c: number) => String.fromCharCode(64 + c);
    expect(xml).toContain(`<c:f>'Funnel'!$${col(cc)}$${cr}:$${col(cc)}$${cr + ch - 1}</c:f>`);
    expect(xml).toContain(`<c:f>'Funnel'!$${col(vc)}$${vr}:$${col(vc)}$${vr + vh - 1}</c:f>`);
    const cats = [...xml.matchAll(/<c:strCache>.*?<\/c:strCache>/g)][0][0];
    expect([...cats.matchAll(/<c:v>(.*?)<\/c:v>/g)].map((m) => m[1])).toEqual(plans[0].values.slice(cr - 1, cr - 1 + ch).map((r) => String(r[cc - 1])));
    const vals = [...xml.matchAll(/<c:numCache>.*?<\/c:numCache>/g)][0][0];
    expect([...vals.matchAll(/<c:v>(.*?)<\/c:v>/g)].map((m) => Number(m[1]))).toEqual(plans[0].values.slice(vr - 1, vr - 1 + vh).map((r) => r[vc - 1]));
    expect(text(zip, 'xl/drawings/drawing1.xml')).toContain(`<xdr:from><xdr:col>${spec.at[1] - 1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${spec.at[0] - 1}</xdr:row>`);
    expect(text(zip, 'xl/drawings/drawing1.xml')).toContain(`<xdr:ext cx="${spec.size[0] * 9525}" cy="${spec.size[1] * 9525}"/>`);
  });

  it('draws net lead flow as columns (negatives in their colour) and a line on shared axes; conversion as percent lines', () => {
    const flow = plans.findIndex((p) => p.kind === 'flow');
    const spec = plans[flow].charts[0];
    expect(spec.type).toBe('combo');
    const chartNo = plans.slice(0, flow).reduce((n, p) => n + p.charts.length, 0) + 1;
    const xml = text(zip, `xl/charts/chart${chartNo}.xml`);
    const bar = /<c:barChart>.*<\/c:barChart>/.exec(xml)![0];
    const line = /<c:lineChart>.*<\/c:lineChart>/.exec(xml)![0];
    expect(bar).toContain('<c:barDir val="col"/>');
    const axes = (part: string) => [...part.matchAll(/<c:axId val="(\d+)"\/>/g)].map((m) => m[1]);
    expect(axes(bar)).toEqual(axes(line));
    const net = spec.series.find((s) => s.as === 'column')!;
    const negatives = plans[flow].values.slice(net.values[0] - 1, net.values[0] - 1 + net.values[2]).map((r, i) => [r[net.values[1] - 1], i] as const).filter(([v]) => typeof v === 'number' && v < 0).map(([, i]) => i);
    expect(negatives.length).toBeGreaterThan(0);
    expect([...bar.matchAll(/<c:dPt><c:idx val="(\d+)"\/>/g)].map((m) => Number(m[1]))).toEqual(negatives);
    expect(bar).toContain(`<a:srgbClr val="${net.negativeColor!.slice(1).toUpperCase()}"/>`);
    expect(line).toContain(`<c:tx><c:v>${spec.series.find((s) => s.as === 'line')!.name}</c:v></c:tx>`);
    // The funnel's second chart: conversion by month, lines on a percent axis.
    const conversion = text(zip, 'xl/charts/chart2.xml');
    expect(plans[0].charts[1].type).toBe('line');
    expect(conversion).not.toContain('<c:barChart>');
    expect(conversion).toMatch(/<c:valAx>.*<c:numFmt formatCode="0%" sourceLinked="0"\/>/);
    expect(conversion).toContain('<c:legendPos val="b"/>');
  });
});

describe('writing cells', () => {
  it('escapes text for XML, forbidden characters as _xHHHH_, and preserves outer spaces and line breaks', () => {
    expect(escapeText('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(escapeText('bell\u0007 nul\u0000 esc\u001b')).toBe('bell_x0007_ nul_x0000_ esc_x001B_');
    expect(escapeText('literal _x0041_ stays')).toBe('literal _x005F_x0041_ stays');
    expect(escapeText('cr\r\nlf')).toBe('cr&#13;\nlf');
    expect(escapeText('tab\tok 😀 \ud800 lone')).toBe('tab\tok 😀 _xD800_ lone');
    expect(inlineText(' Google')).toBe('<is><t xml:space="preserve"> Google</t></is>');
    expect(inlineText('two\nlines')).toBe('<is><t xml:space="preserve">two\nlines</t></is>');
    expect(inlineText('plain')).toBe('<is><t>plain</t></is>');
    expect(inlineText('x'.repeat(40_000))).toBe(`<is><t>${'x'.repeat(32_767)}</t></is>`);
  });

  it('writes leads of every kind as values, never formulas, and renamed sheets everywhere they are named', async () => {
    const d = tempDir('leadflow-xlsx-cells-');
    const rows: unknown[][] = [
      ['Name', 'Note', 'Amount', 'When', 'Flag'],
      ['A', '=1+1', 1234.5, new Date(Date.UTC(2024, 2, 14, 13, 30)), true],
      ['B', '=HYPERLINK("http://x","y")', 0, 45000.5, false],
      ['C', '@maria', -3, '', ''],
      ['D', ' Google ', Number.NaN, null, undefined],
      ['E', 'line one\nline two', 1e-7, '', ''],
      ['F', 'bell\u0007 & <tag> "q"', 2 ** 53, '', ''],
      ['G', 'emoji 😀 ok', 1, '', ''],
    ];
    // The funnel again, under a name Excel does not allow: its chart and print area follow the rename.
    const renamed = { ...plans[0], name: 'Funnel: 2025/Q1' };
    const path = join(d, 'cells.xlsx');
    const sheets = await writeReportXlsx(path, {
      plans: [renamed], timeZone: 'UTC',
      leads: { name: 'My leads', rows, columnFormats: [null, null, '#,##0.00', 'yyyy-mm-dd hh:mm', null] },
      setup: { name: 'LeadFlow setup', rows: [['LeadFlow setup', 'version 1'], ['=not a formula', '@x']] },
    });
    expect(sheets).toEqual(['Funnel_ 2025_Q1', 'Funnel · per lead', 'My leads', 'LeadFlow setup']);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const ws = book.getWorksheet('My leads')!;
    expect([2, 3, 4, 5, 6, 7, 8].map((r) => ws.getCell(r, 2).value)).toEqual(['=1+1', '=HYPERLINK("http://x","y")', '@maria', ' Google ', 'line one\nline two', 'bell\u0007 & <tag> "q"'.replace('\u0007', '_x0007_'), 'emoji 😀 ok']);
    ws.eachRow((row) => row.eachCell((cell) => expect(cell.type, cell.address).not.toBe(ExcelJS.ValueType.Formula)));
    expect(ws.getCell('C2').value).toBe(1234.5);
    expect(ws.getCell('C2').numFmt).toBe('#,##0.00');
    expect(ws.getCell('C5').value).toEqual({ error: '#NUM!' });
    expect(ws.getCell('C6').value).toBe(1e-7);
    expect(ws.getCell('C7').value).toBe(2 ** 53);
    expect(ws.getCell('D2').value).toEqual(new Date(Date.UTC(2024, 2, 14, 13, 30)));
    expect(ws.getCell('D3').value).toEqual(new Date(Date.UTC(2023, 2, 15, 12)));
    expect(ws.getCell('D3').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect([ws.getCell('E2').value, ws.getCell('E3').value]).toEqual([true, false]);
    expect(ws.getCell('D4').value).toBeNull();
    const setup = book.getWorksheet('LeadFlow setup')!;
    expect(setup.getCell('A2').value).toBe('=not a formula');
    expect(setup.getCell('A2').type).toBe(ExcelJS.ValueType.String);
    expect(book.definedNames.getRanges('LeadFlowSetup').ranges).toEqual(["'LeadFlow setup'!$A$1:$G$2"]);
    const files = readZip(readFileSync(path));
    const chart = text(files, 'xl/charts/chart1.xml');
    expect(chart).toContain("<c:f>'Funnel_ 2025_Q1'!$B$8:");
    expect(chart).not.toContain("'Funnel'!");
    expect(text(files, 'xl/workbook.xml')).toContain(`localSheetId="0">'Funnel_ 2025_Q1'!$A$1:`);
    expect(text(files, 'xl/worksheets/sheet3.xml')).toContain('<t xml:space="preserve"> Google </t>');
    // The per-lead cells read the renamed funnel's Status → stage table through one defined name
    // per column, written for A1 (the stage no., in A, works out the furthest stage date or flag
    // itself), and every lead's cell in A calls the stage no.'s name.
    const workbook = text(files, 'xl/workbook.xml');
    const stageNo = /<definedName name="LF_Funnel_2025_Q1_Stage_no">([^<]*)<\/definedName>/.exec(workbook)?.[1] ?? '';
    expect(stageNo).toMatch(/^IF\('Leads'!\$G1="",IF\(\(MAX\(/);
    expect(stageNo).toContain("VLOOKUP('Leads'!$G1,'Funnel_ 2025_Q1'!$");
    const perLeadSheet = text(files, 'xl/worksheets/sheet2.xml');
    const stageNoCells = [...perLeadSheet.matchAll(/<c r="A(\d+)"[^>]*><f>([^<]*)<\/f>/g)];
    expect(stageNoCells.map((cell) => Number(cell[1]))).toEqual(Array.from({ length: stageNoCells.length }, (_, i) => i + 2));
    expect(new Set(stageNoCells.map((cell) => cell[2]))).toEqual(new Set(['LF_Funnel_2025_Q1_Stage_no']));
    expect(perLeadSheet).not.toContain('t="shared"');
  });
});
