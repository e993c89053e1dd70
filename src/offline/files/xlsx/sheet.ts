/**
 * A worksheet part (xl/worksheets/sheetN.xml) in three pieces, so that its rows can be streamed
 * between them: the head (sheet properties, view, columns, up to <sheetData>), the rows (cell
 * helpers below), and the tail (conditional formats, validations, page setup, header and footer,
 * drawing), in the order the schema wants them.
 */
import { EXCEL_ERRORS } from '../formulas.ts';
import { columnLetters, escapeAttr, escapeText, inlineText, numberText } from './xml.ts';

export interface SheetLayout {
  /** Column widths in characters, index 0 = column A. */
  widths: number[];
  /** The used range, e.g. A1:R40. */
  dimension: string;
  frozenRows?: number;
  /** The first sheet shown when the workbook opens. */
  selected?: boolean;
  /** Default row height in points (with customHeight, so every viewer uses it). */
  defaultRowHeight?: number;
  /** Printing: landscape, one page wide, the title on the left of the header, the date on the right, page numbers below. */
  print?: { title: string };
  /** Cell ranges (sqref) highlighted when below zero, with the dxf to use. */
  negatives?: { sqref: string; dxfId: number }[];
  /** Cell ranges (sqref) offered TRUE / FALSE in a dropdown. */
  booleanLists?: string[];
  /** Relationship id of the sheet's drawing (its charts). */
  drawing?: string;
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** Header and footer text: "&" is a code there, written "&&"; at most 255 characters. */
const hfText = (s: string) => s.replace(/&/g, '&&').replace(/[\r\n]+/g, ' ').slice(0, 200);

export function sheetHead(l: SheetLayout): string {
  let xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}>`;
  if (l.print) xml += '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>';
  xml += `<dimension ref="${l.dimension}"/>`;
  const frozen = l.frozenRows ?? 0;
  const sel = l.selected ? ' tabSelected="1"' : '';
  if (frozen > 0) {
    const top = `A${frozen + 1}`;
    xml += `<sheetViews><sheetView${sel} workbookViewId="0"><pane ySplit="${frozen}" topLeftCell="${top}" activePane="bottomLeft" state="frozen"/>`
      + `<selection pane="bottomLeft" activeCell="${top}" sqref="${top}"/></sheetView></sheetViews>`;
  } else {
    xml += `<sheetViews><sheetView${sel} workbookViewId="0"/></sheetViews>`;
  }
  xml += l.defaultRowHeight ? `<sheetFormatPr defaultRowHeight="${l.defaultRowHeight}" customHeight="1"/>` : '<sheetFormatPr defaultRowHeight="12.75"/>';
  if (l.widths.length) {
    xml += '<cols>';
    l.widths.forEach((w, i) => { xml += `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`; });
    xml += '</cols>';
  }
  return `${xml}<sheetData>`;
}

export function sheetTail(l: SheetLayout): string {
  let xml = '</sheetData>';
  let priority = 1;
  for (const n of l.negatives ?? []) {
    xml += `<conditionalFormatting sqref="${n.sqref}"><cfRule type="cellIs" dxfId="${n.dxfId}" priority="${priority++}" operator="lessThan"><formula>0</formula></cfRule></conditionalFormatting>`;
  }
  const lists = l.booleanLists ?? [];
  if (lists.length) {
    xml += `<dataValidations count="1"><dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" sqref="${lists.join(' ')}"><formula1>"TRUE,FALSE"</formula1></dataValidation></dataValidations>`;
  }
  xml += '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>';
  if (l.print) {
    xml += '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>';
    xml += `<headerFooter><oddHeader>${escapeText(`&L${hfText(l.print.title)}&R&D`)}</oddHeader><oddFooter>${escapeText('&CPage &P of &N')}</oddFooter></headerFooter>`;
  }
  if (l.drawing) xml += `<drawing r:id="${l.drawing}"/>`;
  return `${xml}</worksheet>`;
}

/** Column letters for columns 1..n, precomputed (cell references are built tens of millions of times). */
export function letters(n: number): string[] {
  const out: string[] = [''];
  for (let c = 1; c <= n; c++) out.push(columnLetters(c));
  return out;
}

const sAttr = (s: number) => (s ? ` s="${s}"` : '');

/** A value cell: number, boolean, text (inline string) or an error code given as such. */
export function valueCell(ref: string, v: unknown, s: number): string {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? `<c r="${ref}"${sAttr(s)}><v>${numberText(v)}</v></c>` : `<c r="${ref}"${sAttr(s)} t="e"><v>#NUM!</v></c>`;
    case 'boolean':
      return `<c r="${ref}"${sAttr(s)} t="b"><v>${v ? 1 : 0}</v></c>`;
    case 'string':
      return v === '' ? (s ? `<c r="${ref}"${sAttr(s)}/>` : '') : `<c r="${ref}"${sAttr(s)} t="inlineStr">${inlineText(v)}</c>`;
    default:
      if (v === null || v === undefined) return s ? `<c r="${ref}"${sAttr(s)}/>` : '';
      return `<c r="${ref}"${sAttr(s)} t="inlineStr">${inlineText(String(v))}</c>`;
  }
}

/**
 * A formula cell with its cached value (t="str" for text, "b" for booleans, "e" for error codes).
 * `kind` makes it an array formula filling `ref` (<f t="array">).
 */
export function formulaCell(ref: string, formula: string, cached: unknown, s: number, kind?: { array: string }): string {
  const f = kind ? `<f t="array" ref="${kind.array}">${escapeText(formula)}</f>` : `<f>${escapeText(formula)}</f>`;
  if (typeof cached === 'number') {
    return Number.isFinite(cached) ? `<c r="${ref}"${sAttr(s)}>${f}<v>${numberText(cached)}</v></c>` : `<c r="${ref}"${sAttr(s)} t="e">${f}<v>#NUM!</v></c>`;
  }
  if (typeof cached === 'boolean') return `<c r="${ref}"${sAttr(s)} t="b">${f}<v>${cached ? 1 : 0}</v></c>`;
  const text = cached === null || cached === undefined ? '' : String(cached);
  if (EXCEL_ERRORS.has(text)) return `<c r="${ref}"${sAttr(s)} t="e">${f}<v>${text}</v></c>`;
  return `<c r="${ref}"${sAttr(s)} t="str">${f}<v>${escapeText(text.length > 32_767 ? text.slice(0, 32_767) : text)}</v></c>`;
}

/** A row's opening tag, with an explicit height when given (points). */
export function rowOpen(r: number, height?: number): string {
  return height ? `<row r="${r}" ht="${height}" customHeight="1">` : `<row r="${r}">`;
}

export { escapeAttr };
