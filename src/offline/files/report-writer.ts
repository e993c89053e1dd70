/**
 * Writes a report workbook with LeadFlow's own streaming SpreadsheetML writer (src/offline/files/xlsx):
 * the built sheets first (each cell a formula with its cached value, counted by src/core, with
 * their styles, print setup, conditional formats, checkbox validations and native charts), then
 * the leads as read, streamed row by row through a deflate stream so a million-lead sheet is never
 * held as XML, then the hidden setup sheet under the LeadFlowSetup name. Text that looks like a
 * formula is written as text: only the plans' own formulas are formulas.
 */
import { open } from 'node:fs/promises';
import { BUILT_SHEET, FILE_LAST_ROW, FILE_UNREAD_ROW, NOT_A_LEAD, sheetRef, type Plan, type XlsxPlan } from '../../core/report/grid.ts';
import { asRelativeName, callArguments, columnNumber, quoteSheetName, toExcelFormula } from './formulas.ts';
import { DATE_FORMAT, DATETIME_FORMAT } from './infer.ts';
import { dateToSerial } from './timezone.ts';
import { commitFile, excelSheetNames } from './write.ts';
import { chartXml, drawingXml } from './xlsx/chart.ts';
import {
  appXml, contentTypes, coreXml, DefinedName, drawingRels, planParts, rootRels, sheetRels, workbookRels, workbookXml,
} from './xlsx/package.ts';
import { formulaCell, letters, rowOpen, SheetLayout, sheetHead, sheetTail, valueCell } from './xlsx/sheet.ts';
import { XmlSink } from './xlsx/sink.ts';
import { FONT_BOLD, FONT_PLAIN, FONT_TITLE, StyleSheet } from './xlsx/styles.ts';
import { FittedPlan, fitLeads, fitPlan, ROW_PT } from './xlsx/widths.ts';
import { columnLetters, inlineText, numberText, plainRange, sheetRange } from './xlsx/xml.ts';
import { EntryStream, ZipWriter } from './xlsx/zip.ts';

export interface LeadsSheet {
  name: string;
  /** Header row first. */
  rows: unknown[][];
  /** Number format per column (the first non-empty one the reader saw), or null. */
  columnFormats: (string | null)[];
}

export interface ReportWorkbook {
  plans: Plan[];
  /** The leads as read; left out when the sheets hold values computed elsewhere (the DuckDB engine). */
  leads?: LeadsSheet;
  setup: { name: string; rows: string[][] };
  timeZone: string;
}

/** Plan styles: 0 plain, 1 header, 2 title, 3 section. */
const FONTS = [FONT_PLAIN, FONT_BOLD, FONT_TITLE, FONT_BOLD];
const FILLS = [null, '#e8f0fe', '#d2e3fc', '#f1f3f4'];
const NEGATIVE = { fill: '#f4c7c3', font: '#a50e0e' };
/**
 * The format LibreOffice itself writes for its boolean cells: without it LibreOffice shows a
 * boolean it has not recalculated as 1 or 0. Excel and Sheets show booleans as TRUE / FALSE
 * whatever the format.
 */
const BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"';
/**
 * zlib level for the sheets. At zlib's default (6) deflate, not the XML, sets the pace: about 1.6×
 * the time for a million leads, for a file 15% smaller (91 MB against 107 MB).
 */
const SHEET_LEVEL = 1;

/**
 * How far down the built sheets' formulas read the leads in the file: the leads and room for a
 * tenth more (at least a thousand rows), within Excel's limit. Sheets reads whole columns; here a
 * whole column would cost LibreOffice and Excel a million rows per lead column, and each row of
 * room is a row of per-lead formulas to recalculate: room for half as many again made LibreOffice
 * a third slower (docs/recalculation.md). Leads added below it are not missed in silence: each
 * built sheet's second line counts them (FILE_LAST_ROW in text.ts).
 */
export function readRowsTo(rows: number): number {
  return Math.min(1_048_576, rows + Math.max(1000, Math.ceil(rows / 10)));
}

/** A file formula or cached value with the rows only the writer knows filled in. */
const withFileRows = <T>(cell: T, lastRow: number): T =>
  (typeof cell === 'string' ? cell.split(FILE_LAST_ROW).join(String(lastRow)).split(FILE_UNREAD_ROW).join(String(lastRow + 1)) : cell) as T;

const EXCEL_ROWS = 1_048_576;
const EXCEL_COLUMNS = 16_384;

const isDateFormat = (f: string | null | undefined): f is string => !!f && /[dmy]/i.test(f.replace(/"[^"]*"/g, ''));

/** Streams a worksheet: head, rows (written by `rows` through `put`, which returns a promise only when it must be awaited), tail. */
async function streamSheet(out: EntryStream, layout: SheetLayout, rows: (put: (xml: string) => Promise<void> | undefined) => Promise<void>): Promise<void> {
  const sink = new XmlSink(out);
  await sink.put(sheetHead(layout));
  await rows((xml) => sink.put(xml));
  await sink.put(sheetTail(layout));
  await sink.end();
}

function planLayout(plan: Plan, styles: StyleSheet, selected: boolean, drawing: boolean): { layout: SheetLayout; fit: FittedPlan } {
  const fit = fitPlan(plan);
  const { widths } = fit;
  const h = plan.cells.length;
  const w = plan.cells[0]?.length ?? 1;
  const box = (b: [number, number, number, number]) => plainRange(b[0], b[1], b[0] + b[2] - 1, b[1] + b[3] - 1);
  const dxfId = plan.negatives.length ? styles.dxf(NEGATIVE) : 0;
  const title = plan.values[0]?.[0];
  return {
    fit,
    layout: {
      widths,
      dimension: plainRange(1, 1, Math.max(1, h), Math.max(1, w)),
      frozenRows: plan.frozenRows,
      selected,
      defaultRowHeight: ROW_PT,
      print: { title: typeof title === 'string' ? title : plan.name },
      negatives: plan.negatives.map((b) => ({ sqref: box(b), dxfId })),
      booleanLists: plan.checkboxes.map(box),
      drawing: drawing ? 'rId1' : undefined,
    },
  };
}

async function writePlanSheet(out: EntryStream, plan: Plan, layout: SheetLayout, fit: FittedPlan, styles: StyleSheet, renamed: Map<string, string>, lastRow: number, fileFormulas: XlsxPlan['formulas'] | null): Promise<void> {
  const width = plan.cells[0]?.length ?? 0;
  const L = letters(width);
  // With the per-lead sheet in the file, cells that read array expressions read it instead (XlsxPlan).
  const fileFormula = new Map((fileFormulas ?? []).map((cell) => [`${cell.row}:${cell.column}`, cell]));
  const spillOf = new Map((plan.spills ?? []).map(([row, column, rows]) => [`${row}:${column}`, `${L[column]}${row}:${L[column]}${row + rows - 1}`]));
  const rightAligned = new Set(plan.rightAligned.flatMap(([row, column, rows, columns]) =>
    Array.from({ length: rows * columns }, (_, at) => `${row + Math.floor(at / columns)}:${column + (at % columns)}`)));
  // One style per (format, plan style, wrap, alignment) met.
  const xfOf = new Map<string, number>();
  const xf = (fmt: string, style: number, wrap: boolean, right: boolean) => {
    const key = `${style}\u0000${wrap}\u0000${right}\u0000${fmt}`;
    let s = xfOf.get(key);
    if (s === undefined) {
      s = styles.xf({ numFmt: fmt, font: FONTS[style] ?? FONT_PLAIN, fill: FILLS[style] ?? null, wrap, right });
      xfOf.set(key, s);
    }
    return s;
  };
  await streamSheet(out, layout, async (put) => {
    for (let r = 0; r < plan.cells.length; r++) {
      const cells = plan.cells[r];
      let row = '';
      for (let c = 0; c < cells.length; c++) {
        const key = `${r + 1}:${c + 1}`;
        const inFile = fileFormula.get(key);
        const raw = inFile ? withFileRows(inFile.formula, lastRow) : cells[c];
        const value = inFile && inFile.value !== undefined ? withFileRows(inFile.value, lastRow) : plan.values[r][c];
        const style = plan.styles[r][c] ?? 0;
        const isFormula = typeof raw === 'string' && raw.length > 1 && raw.charCodeAt(0) === 61; // "="
        if (!isFormula && (value === '' || value === null || value === undefined) && !style) continue;
        const s = xf(typeof value === 'boolean' ? BOOLEAN_FORMAT : plan.formats[r][c] ?? '', style, fit.wraps(r, c), rightAligned.has(key));
        const ref = L[c + 1] + (r + 1);
        if (isFormula) {
          const t = toExcelFormula(raw as string, value, { renamedSheets: renamed, lastRow });
          const array = inFile ? spillOf.get(key) : undefined;
          row += t ? formulaCell(ref, t.formula, value, s, array ? { array } : undefined) : valueCell(ref, value, s);
        } else {
          // Text written with a leading apostrophe (kept as text in Sheets) is its value, without it.
          row += valueCell(ref, value, s);
        }
      }
      const height = fit.heights.get(r + 1);
      if (row || height) await put(`${rowOpen(r + 1, height)}${row}</row>`);
    }
  });
}

async function writeLeadsSheet(out: EntryStream, leads: LeadsSheet, styles: StyleSheet, timeZone: string): Promise<void> {
  const rows = leads.rows;
  const header = rows[0] ?? [];
  let width = header.length;
  for (let r = 1; r < rows.length; r++) if (rows[r].length > width) width = rows[r].length;
  const formats = leads.columnFormats;
  // The format a number gets in each column, and a Date's (its column's if that is a date format).
  const numberStyle: number[] = [];
  const dateStyle: number[] = [];
  for (let c = 0; c < width; c++) {
    const fmt = formats[c] ?? null;
    numberStyle.push(styles.xf({ numFmt: fmt }));
    dateStyle.push(isDateFormat(fmt) ? styles.xf({ numFmt: fmt }) : -1);
  }
  const dayStyle = styles.xf({ numFmt: DATE_FORMAT });
  const timeStyle = styles.xf({ numFmt: DATETIME_FORMAT });
  const bold = styles.xf({ font: FONT_BOLD });
  let booleanStyle = -1;
  const formatOf = (c: number, v: unknown) => {
    const fmt = formats[c] ?? null;
    if (v instanceof Date) return isDateFormat(fmt) ? fmt : DATETIME_FORMAT;
    return fmt;
  };
  const L = letters(width);
  const layout: SheetLayout = {
    widths: fitLeads(rows, formats, formatOf),
    dimension: plainRange(1, 1, Math.max(1, rows.length), Math.max(1, width)),
    frozenRows: 1,
  };
  await streamSheet(out, layout, async (put) => {
    if (rows.length) {
      let xml = '<row r="1">';
      for (let c = 0; c < header.length; c++) {
        const h = header[c];
        if (h === '' || h === null || h === undefined) continue;
        xml += `<c r="${L[c + 1]}1" s="${bold}" t="inlineStr">${inlineText(String(h))}</c>`;
      }
      await put(`${xml}</row>`);
    }
    for (let r = 1; r < rows.length; r++) {
      const row = rows[r];
      const n = String(r + 1);
      let xml = `<row r="${n}">`;
      for (let c = 0; c < row.length; c++) {
        const v = row[c];
        switch (typeof v) {
          case 'string':
            // Text stays text, whatever it starts with ("=1+1", "@maria"): always an inline string.
            if (v !== '') xml += `<c r="${L[c + 1]}${n}" t="inlineStr">${inlineText(v)}</c>`;
            break;
          case 'number': {
            const s = numberStyle[c];
            if (Number.isFinite(v)) xml += s ? `<c r="${L[c + 1]}${n}" s="${s}"><v>${numberText(v)}</v></c>` : `<c r="${L[c + 1]}${n}"><v>${numberText(v)}</v></c>`;
            else xml += `<c r="${L[c + 1]}${n}" t="e"><v>#NUM!</v></c>`;
            break;
          }
          case 'boolean':
            if (booleanStyle < 0) booleanStyle = styles.xf({ numFmt: BOOLEAN_FORMAT });
            xml += `<c r="${L[c + 1]}${n}" s="${booleanStyle}" t="b"><v>${v ? 1 : 0}</v></c>`;
            break;
          default:
            if (v instanceof Date) {
              const serial = dateToSerial(v, timeZone);
              const s = dateStyle[c] >= 0 ? dateStyle[c] : Number.isInteger(serial) ? dayStyle : timeStyle;
              xml += `<c r="${L[c + 1]}${n}" s="${s}"><v>${numberText(serial)}</v></c>`;
            } else if (v !== null && v !== undefined) {
              xml += `<c r="${L[c + 1]}${n}" t="inlineStr">${inlineText(String(v))}</c>`;
            }
        }
      }
      const p = put(`${xml}</row>`);
      if (p) await p;
    }
  });
}

/**
 * Words of a title fit for a defined name: letters and digits joined by "_", whole words up to 30
 * characters. LibreOffice keeps each cell's formula text, so a long name costs memory per lead.
 */
function nameSlug(text: string): string {
  const words = text.normalize('NFKD').split(/[^A-Za-z0-9]+/).filter(Boolean);
  let slug = '';
  for (const word of words) {
    if (slug && slug.length + 1 + word.length > 30) break;
    slug = slug ? `${slug}_${word}` : word.slice(0, 30);
  }
  return slug;
}

/**
 * The defined names the per-lead cells of each built sheet use (XlsxPlan), one per column: its
 * first lead's formula as a name with relative rows (asRelativeName), called after the built
 * sheet and the column's title ("LF_Funnel_Stage_no"), so Excel's and LibreOffice's lists of
 * names say what each holds. Each cell's formula is then the name alone: LibreOffice loads and
 * recalculates the report in about half the time it took with a shared formula per column
 * (docs/recalculation.md).
 */
function perLeadNames(plan: Plan, sheet: string, renamed: Map<string, string>, lastRow: number, taken: Set<string>): DefinedName[] {
  const perLead = plan.xlsx!.perLead;
  const builtSheet = `'${plan.name.replace(/'/g, "''")}'!`;
  const first = perLead.headerRow + 1;
  return perLead.columns.map((column, c) => {
    const formula = toExcelFormula(column.formula.split(BUILT_SHEET).join(builtSheet), '', { renamedSheets: renamed, lastRow })?.formula;
    // Only a formula past Excel's 8,192 characters has no file form; a name without one would break the file.
    if (!formula) throw new RangeError(`The per-lead column "${column.title}" of ${plan.name} needs a formula longer than Excel allows; the file cannot hold it.`);
    const base = `LF_${nameSlug(plan.name) || 'sheet'}_${nameSlug(column.title) || `column_${c + 1}`}`;
    let name = base;
    for (let k = 2; taken.has(name.toUpperCase()); k++) name = `${base}_${k}`;
    taken.add(name.toUpperCase());
    return { name, ref: asRelativeName(formula, sheet, first, c + 1) };
  });
}

/** A per-lead column the file holds no cells for: its title says where its values are. */
interface MovedColumn {
  title: string;
}

/** A block such as $T$9:$X$39 as its first row and column (1-based) and its size. */
function blockOf(range: string): { row: number; column: number; rows: number; columns: number } {
  const [, left, top, right, bottom] = /^\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(range) ?? [];
  if (!left) throw new Error(`Not a block of cells: ${range}`);
  return { row: +top, column: columnNumber(left), rows: +bottom - +top + 1, columns: columnNumber(right) - columnNumber(left) + 1 };
}

/** A sheet named in a formula of the file, either way it may be written there. */
const sheetPrefixes = (sheet: string) => [...new Set([sheetRef(sheet), `${quoteSheetName(sheet)}!`])];

/**
 * Net lead flow's and the review's stage no., read from the funnel's while their Status → stage
 * tables say the same. All three are one formula but for the table the status is looked up in, so
 * where a later per-lead sheet's stage no. is the earlier one's with its own table, and the two
 * tables hold the same spellings and stage numbers when the file is written, its stage no. becomes
 * IF(the tables still agree, the earlier sheet's cell, its own formula). A check cell below the
 * later sheet's table says whether they agree (a person may edit either table, and each sheet then
 * counts by its own). That IF is cheap, so it is written into the sheet's other per-lead names
 * instead of cells of its own (sharedStageNo writes it as short as it can be): the column keeps
 * only its title. LibreOffice charges for every per-lead cell (docs/recalculation.md). Returns the
 * columns moved so, and each plan's cells to add.
 */
function shareStageNumbers(perLeadPlans: Plan[], namesOf: DefinedName[][], builtSheets: string[], perLeadSheets: string[]): { moved: (MovedColumn | null)[][]; added: XlsxPlan['formulas'][] } {
  const moved = perLeadPlans.map((plan) => plan.xlsx!.perLead.columns.map((): MovedColumn | null => null));
  const added = perLeadPlans.map((): XlsxPlan['formulas'] => []);
  const first = perLeadPlans.findIndex((plan) => plan.xlsx!.perLead.stage);
  if (first < 0) return { moved, added };
  const source = perLeadPlans[first];
  const sourceStage = source.xlsx!.perLead.stage!;
  const sourceTable = blockOf(sourceStage.table);
  const sourceLetter = columnLetters(sourceStage.column + 1);
  const sourceRef = namesOf[first][sourceStage.column].ref;
  for (let k = first + 1; k < perLeadPlans.length; k++) {
    const plan = perLeadPlans[k];
    const perLead = plan.xlsx!.perLead;
    const stage = perLead.stage;
    if (!stage || perLead.headerRow !== source.xlsx!.perLead.headerRow) continue;
    const table = blockOf(stage.table);
    if (table.rows !== sourceTable.rows || table.columns < 3 || sourceTable.columns < 3) continue;
    // The same formula once this sheet's table is read as the source's (names hold the file's sheet names).
    const normal = (ref: string, sheet: string, cells: string) => sheetPrefixes(sheet).reduce((text, prefix) => text.split(`${prefix}${cells}`).join('\u0000table\u0000'), ref);
    const own = namesOf[k][stage.column];
    if (normal(own.ref, builtSheets[k], stage.table) !== normal(sourceRef, builtSheets[first], sourceStage.table)) continue;
    // The tables agree now: the same spelling (exactly) and the same stage no. in every row.
    const cellOf = (of: Plan, at: { row: number; column: number }, row: number, column: number) => of.values[at.row + row - 1]?.[at.column + column - 1];
    let agree = true;
    for (let row = 0; row < table.rows && agree; row++) {
      for (const column of [0, 2]) if (cellOf(plan, table, row, column) !== cellOf(source, sourceTable, row, column)) agree = false;
    }
    if (!agree) continue;
    const letter = columnLetters(stage.column + 1);
    // A built-sheet formula that reads the column as a range needs its cells.
    if (plan.xlsx!.formulas.some((cell) => cell.formula.includes(`${sheetRef(perLead.name)}$${letter}$`))) continue;
    const checkColumn = stage.check.column + 5;
    const checkLetter = columnLetters(checkColumn);
    const range = (at: { row: number; column: number; rows: number }, column: number) => {
      const columnLetter = columnLetters(at.column + column);
      return `$${columnLetter}$${at.row}:$${columnLetter}$${at.row + at.rows - 1}`;
    };
    const [spellings, stages] = [range(table, 0), range(table, 2)];
    const [sourceSpellings, sourceStages] = [range(sourceTable, 0), range(sourceTable, 2)].map((cells) => `${sheetRef(source.name)}${cells}`);
    const check = `${sheetRef(builtSheets[k])}$${checkLetter}$${stage.check.row}`;
    const funnelCell = `${sheetRef(perLeadSheets[first])}$${sourceLetter}1`;
    const { shared, alwaysNumber } = sharedStageNo(own.ref, check, funnelCell, builtSheets[k]);
    const reads = sheetPrefixes(perLeadSheets[k]).map((prefix) => new RegExp(`${escapeRegExp(prefix)}\\$${letter}1(?!\\d)`, 'g'));
    const readShared = (ref: string) => {
      const read = reads.reduce((text, from) => text.replace(from, () => `(${shared})`), ref);
      return alwaysNumber ? read.split(`ISNUMBER((${shared}))`).join(`ISNUMBER(${funnelCell})`) : read;
    };
    const rewritten = namesOf[k].map((name, c) => (c === stage.column ? name.ref : readShared(name.ref)));
    // Excel's limit for a formula; past it the column keeps its cells.
    if (rewritten.some((ref) => ref.length > 8192)) continue;
    namesOf[k].forEach((name, c) => { name.ref = rewritten[c]; });
    added[k].push(
      { row: stage.check.row, column: stage.check.column, formula: '', value: `Same spellings and stage numbers as the ${source.name} sheet's table? While TRUE, each lead's stage no. is read from there.` },
      { row: stage.check.row, column: checkColumn, formula: `=IFERROR(SUMPRODUCT((${sourceSpellings}=${spellings})*EXACT(${sourceSpellings},${spellings})*(${sourceStages}=${stages}))=${table.rows},FALSE)`, value: true },
    );
    moved[k][stage.column] = { title: `${perLead.columns[stage.column].title} (read from column ${sourceLetter} of ${perLeadSheets[first]} while ${builtSheets[k]}!${checkLetter}${stage.check.row} is TRUE; worked out in this sheet's other columns otherwise)` };
  }
  return { moved, added };
}

/**
 * A later sheet's stage no. where the file shares the funnel's: IF(check, the funnel's cell, its
 * own formula). The stage no. is IF(status="", without a status, with one). Where the part without
 * a status reads nothing of the sheet (no won/lost column: it is the furthest stage evidence and
 * the arrival, the same for both sheets), a lead without a status takes the funnel's cell whatever
 * the check says, and only the part with a status is written again: LibreOffice's main thread pays
 * per lead for a name's whole length, branches a lead does not take included (docs/recalculation.md).
 * `alwaysNumber`: that part is IFERROR(MAX(…),0), a number in either sheet, so ISNUMBER of the
 * shared stage no. is ISNUMBER of the funnel's cell.
 */
function sharedStageNo(own: string, check: string, funnelCell: string, builtSheet: string): { shared: string; alwaysNumber: boolean } {
  const whole = { shared: `IF(${check},${funnelCell},${own})`, alwaysNumber: false };
  const parts = callArguments(own, 'IF');
  if (parts?.length !== 3) return whole;
  const [noStatus, withoutStatus, withStatus] = parts;
  const readsTheSheet = (text: string) => sheetPrefixes(builtSheet).some((prefix) => text.includes(prefix));
  if (!noStatus.endsWith('=""') || readsTheSheet(noStatus) || readsTheSheet(withoutStatus)) return whole;
  const [furthest, onError] = callArguments(withStatus, 'IFERROR') ?? [];
  return {
    shared: `IF(OR(${check},${noStatus}),${funnelCell},${withStatus})`,
    alwaysNumber: onError === '0' && callArguments(furthest, 'MAX') !== null,
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The hidden sheet of per-lead cells beside a built sheet (XlsxPlan): the titles on the leads'
 * header row, then from the first lead's row down to `lastRow` each cell calls its column's name
 * (perLeadNames), with its lead's value (the value of an empty row past the last lead). A column
 * another per-lead sheet computes (shareStageNumbers) has only its title, which says where.
 */
async function writePerLeadSheet(out: EntryStream, plan: Plan, names: DefinedName[], moved: (MovedColumn | null)[], styles: StyleSheet, lastRow: number): Promise<void> {
  const perLead = plan.xlsx!.perLead;
  const columns = perLead.columns;
  const L = letters(Math.max(1, columns.length));
  const bold = styles.xf({ font: FONT_BOLD });
  const first = perLead.headerRow + 1;
  const layout: SheetLayout = { widths: columns.map(() => 14), dimension: plainRange(1, 1, Math.max(1, lastRow), Math.max(1, columns.length)) };
  await streamSheet(out, layout, async (put) => {
    const title = (c: number) => moved[c]?.title ?? columns[c].title;
    await put(`<row r="${perLead.headerRow}">${columns.map((_, c) => valueCell(`${L[c + 1]}${perLead.headerRow}`, title(c), bold)).join('')}</row>`);
    for (let r = first; r <= lastRow; r++) {
      const lead = r - first;
      let xml = `<row r="${r}">`;
      for (let c = 0; c < columns.length; c++) {
        if (moved[c]) continue;
        const column = columns[c];
        const value = lead >= column.values.length ? column.empty : column.values[lead] === NOT_A_LEAD ? '' : column.values[lead];
        xml += formulaCell(`${L[c + 1]}${r}`, names[c].name, value, 0);
      }
      const pending = put(`${xml}</row>`);
      if (pending) await pending;
    }
  });
}

async function writeSetupSheet(out: EntryStream, rows: string[][], styles: StyleSheet): Promise<void> {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const L = letters(width);
  const bold = styles.xf({ font: FONT_BOLD });
  const layout: SheetLayout = { widths: [18, 24, 40, 22, 16, 14, 8].slice(0, width), dimension: plainRange(1, 1, Math.max(1, rows.length), width) };
  await streamSheet(out, layout, async (put) => {
    for (let r = 0; r < rows.length; r++) {
      let xml = '';
      rows[r].forEach((v, c) => {
        // The setup's cells are text, whatever they start with.
        if (v !== '' && v !== null && v !== undefined) xml += valueCell(`${L[c + 1]}${r + 1}`, String(v), r < 2 ? bold : 0);
      });
      if (xml) await put(`<row r="${r + 1}">${xml}</row>`);
    }
  });
}

/** Writes the report to `path` (atomically; an existing file only with `force`). Returns the sheet names as written. */
export async function writeReportXlsx(path: string, report: ReportWorkbook, opts: { force?: boolean } = {}): Promise<string[]> {
  // What one xlsx sheet holds (the report refuses bigger exports before it plans; this is the last guard).
  const leads = report.leads;
  if (leads && leads.rows.length > EXCEL_ROWS) throw new RangeError(`${leads.rows.length - 1} leads do not fit an xlsx sheet (at most ${EXCEL_ROWS - 1} under the header).`);
  if (leads && leads.rows.some((r) => r.length > EXCEL_COLUMNS)) throw new RangeError(`The leads have more than ${EXCEL_COLUMNS} columns, more than an xlsx sheet holds.`);
  // A built sheet whose numbers come from array expressions over the leads gets its hidden per-lead sheet (XlsxPlan).
  const perLeadPlans = leads ? report.plans.filter((plan) => plan.xlsx) : [];
  const names = [...report.plans.map((p) => p.name), ...perLeadPlans.map((plan) => plan.xlsx!.perLead.name), ...(leads ? [leads.name] : []), report.setup.name];
  const xlsxNames = excelSheetNames(names);
  const renamed = new Map<string, string>();
  names.forEach((n, i) => { if (n !== xlsxNames[i]) renamed.set(n, xlsxNames[i]); });
  const plans = report.plans;
  const leadsIndex = plans.length + perLeadPlans.length;
  const setupIndex = leadsIndex + (leads ? 1 : 0);
  const isPerLead = (i: number) => i >= plans.length && i < leadsIndex;
  const parts = planParts(xlsxNames.map((name, i) => ({ name, hidden: i === setupIndex || isPerLead(i), charts: i < plans.length ? plans[i].charts.length : 0 })));
  const defined: DefinedName[] = [];
  plans.forEach((plan, i) => {
    const [r, c, h, w] = plan.printArea;
    defined.push({ name: '_xlnm.Print_Area', sheet: i, ref: sheetRange(xlsxNames[i], r, c, r + h - 1, c + w - 1) });
    if (plan.frozenRows > 0) defined.push({ name: '_xlnm.Print_Titles', sheet: i, ref: `'${xlsxNames[i].replace(/'/g, "''")}'!$1:$${plan.frozenRows}` });
  });
  const setupRows = report.setup.rows;
  const setupWidth = Math.max(7, ...setupRows.map((row) => row.length));
  defined.push({ name: 'LeadFlowSetup', ref: sheetRange(xlsxNames[setupIndex], 1, 1, Math.max(1, setupRows.length), setupWidth) });
  // Room below the leads the sheets were built on (the leads sheet may hold more: leads added since).
  const builtOn = perLeadPlans[0]?.xlsx?.perLead;
  const lastRow = readRowsTo(builtOn ? builtOn.headerRow + (builtOn.columns[0]?.values.length ?? 0) : leads?.rows.length ?? 0);
  const taken = new Set(defined.map((name) => name.name.toUpperCase()));
  const perLeadNamesOf = perLeadPlans.map((plan, k) => perLeadNames(plan, xlsxNames[plans.length + k], renamed, lastRow, taken));
  const builtSheetOf = perLeadPlans.map((plan) => xlsxNames[plans.indexOf(plan)]);
  const { moved, added } = shareStageNumbers(perLeadPlans, perLeadNamesOf, builtSheetOf, xlsxNames.slice(plans.length, leadsIndex));
  defined.push(...perLeadNamesOf.flatMap((names, k) => names.filter((_, c) => !moved[k][c])));

  await commitFile(path, opts, async (tmp) => {
    const fh = await open(tmp, 'wx');
    try {
      const now = new Date();
      const zip = new ZipWriter(fh, { level: SHEET_LEVEL, date: now });
      const styles = new StyleSheet();
      await zip.add('[Content_Types].xml', contentTypes(parts));
      await zip.add('_rels/.rels', rootRels());
      await zip.add('docProps/app.xml', appXml(parts));
      await zip.add('docProps/core.xml', coreXml(now));
      await zip.add('xl/workbook.xml', workbookXml(parts, defined));
      await zip.add('xl/_rels/workbook.xml.rels', workbookRels(parts));
      for (let i = 0; i < plans.length; i++) {
        const plan = plans[i];
        const part = parts.sheets[i];
        const { layout, fit } = planLayout(plan, styles, i === 0, part.drawing !== null);
        await zip.stream(`xl/worksheets/sheet${i + 1}.xml`, (out) => writePlanSheet(out, plan, layout, fit, styles, renamed, lastRow, perLeadPlans.includes(plan) ? [...plan.xlsx!.formulas, ...added[perLeadPlans.indexOf(plan)]] : null));
        if (part.drawing !== null) {
          await zip.add(`xl/worksheets/_rels/sheet${i + 1}.xml.rels`, sheetRels(part.drawing));
          await zip.add(`xl/drawings/drawing${part.drawing}.xml`, drawingXml(plan.charts));
          await zip.add(`xl/drawings/_rels/drawing${part.drawing}.xml.rels`, drawingRels(part.charts));
          const data = { sheet: xlsxNames[i], values: plan.values, formats: plan.formats };
          for (let k = 0; k < plan.charts.length; k++) await zip.add(`xl/charts/chart${part.charts[k]}.xml`, chartXml(plan.charts[k], data));
        }
      }
      for (let k = 0; k < perLeadPlans.length; k++) {
        await zip.stream(`xl/worksheets/sheet${plans.length + k + 1}.xml`, (out) => writePerLeadSheet(out, perLeadPlans[k], perLeadNamesOf[k], moved[k], styles, lastRow));
      }
      if (leads) await zip.stream(`xl/worksheets/sheet${leadsIndex + 1}.xml`, (out) => writeLeadsSheet(out, leads, styles, report.timeZone));
      await zip.stream(`xl/worksheets/sheet${setupIndex + 1}.xml`, (out) => writeSetupSheet(out, setupRows, styles));
      await zip.add('xl/styles.xml', styles.toXml());
      await zip.finish();
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
  return xlsxNames;
}

