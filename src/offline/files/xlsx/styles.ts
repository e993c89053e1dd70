/**
 * xl/styles.xml, built as the sheets are written: each (number format, font, fill, wrap) met gets
 * one cellXfs entry, numbered in order; styles.xml is written after the sheets.
 *
 * Fonts: 0 the workbook font (Arial 10, as Sheets), 1 bold, 2 bold 14 pt (titles).
 * Fills: 0 none, 1 gray125 (both required by Excel), then one solid fill per colour used.
 */
import { escapeAttr, XML_HEAD } from './xml.ts';

export const FONT_PLAIN = 0;
export const FONT_BOLD = 1;
export const FONT_TITLE = 2;

/** Sheets' "automatic" format and its names: the General format (id 0). */
const GENERAL = new Set(['', 'General', 'general', '0.###############']);

/** Formats Excel knows by id (ECMA-376 18.8.30), used by id rather than declared. */
const BUILTIN: Record<string, number> = {
  '0': 1, '0.00': 2, '#,##0': 3, '#,##0.00': 4, '0%': 9, '0.00%': 10, '0.00E+00': 11, '@': 49,
};

export interface CellStyle {
  numFmt?: string | null;
  font?: number;
  /** #rrggbb */
  fill?: string | null;
  /** Wrap text (the row's height is set by the writer). */
  wrap?: boolean;
  /** Aligned right (a header over numbers). */
  right?: boolean;
}

export interface DxfStyle {
  /** #rrggbb */
  fill: string;
  font: string;
}

const argb = (hex: string) => `FF${hex.replace(/^#/, '').toUpperCase()}`;

export class StyleSheet {
  private readonly numFmts = new Map<string, number>();
  private readonly fills = new Map<string, number>();
  private readonly xfs = new Map<string, number>();
  private readonly xfList: string[] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];
  private readonly dxfs: string[] = [];

  /** The numFmtId of a format code (0 for General). */
  numFmtId(code: string | null | undefined): number {
    if (code == null || GENERAL.has(code)) return 0;
    if (code in BUILTIN) return BUILTIN[code];
    let id = this.numFmts.get(code);
    if (id === undefined) {
      id = 164 + this.numFmts.size;
      this.numFmts.set(code, id);
    }
    return id;
  }

  private fillId(color: string | null | undefined): number {
    if (!color) return 0;
    const key = color.toLowerCase();
    let id = this.fills.get(key);
    if (id === undefined) {
      id = 2 + this.fills.size;
      this.fills.set(key, id);
    }
    return id;
  }

  /** The cellXfs index (the `s` attribute) of a style; 0 for the default. */
  xf(style: CellStyle): number {
    const numFmtId = this.numFmtId(style.numFmt);
    const fontId = style.font ?? FONT_PLAIN;
    const fillId = this.fillId(style.fill);
    const wrap = style.wrap ? 1 : 0;
    const right = style.right ? 1 : 0;
    const key = `${numFmtId}|${fontId}|${fillId}|${wrap}|${right}`;
    let id = this.xfs.get(key);
    if (id === undefined) {
      if (key === '0|0|0|0|0') return 0;
      id = this.xfList.length;
      const attrs = [`numFmtId="${numFmtId}"`, `fontId="${fontId}"`, `fillId="${fillId}"`, 'borderId="0"', 'xfId="0"'];
      if (numFmtId) attrs.push('applyNumberFormat="1"');
      if (fontId) attrs.push('applyFont="1"');
      if (fillId) attrs.push('applyFill="1"');
      const align = wrap || right ? `<alignment${right ? ' horizontal="right"' : ''}${wrap ? ' wrapText="1"' : ''}/>` : '';
      if (align) attrs.push('applyAlignment="1"');
      this.xfList.push(align ? `<xf ${attrs.join(' ')}>${align}</xf>` : `<xf ${attrs.join(' ')}/>`);
      this.xfs.set(key, id);
    }
    return id;
  }

  /** A differential format (for conditional formats); returns its dxfId. */
  dxf(style: DxfStyle): number {
    const xml = `<dxf><font><color rgb="${argb(style.font)}"/></font><fill><patternFill patternType="solid"><fgColor rgb="${argb(style.fill)}"/><bgColor rgb="${argb(style.fill)}"/></patternFill></fill></dxf>`;
    const found = this.dxfs.indexOf(xml);
    if (found >= 0) return found;
    this.dxfs.push(xml);
    return this.dxfs.length - 1;
  }

  toXml(): string {
    const fmts = [...this.numFmts].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${escapeAttr(code)}"/>`);
    const fills = [...this.fills.keys()].map((c) => `<fill><patternFill patternType="solid"><fgColor rgb="${argb(c)}"/><bgColor indexed="64"/></patternFill></fill>`);
    return `${XML_HEAD}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
      + (fmts.length ? `<numFmts count="${fmts.length}">${fmts.join('')}</numFmts>` : '')
      + '<fonts count="3">'
      + '<font><sz val="10"/><name val="Arial"/><family val="2"/></font>'
      + '<font><b/><sz val="10"/><name val="Arial"/><family val="2"/></font>'
      + '<font><b/><sz val="14"/><name val="Arial"/><family val="2"/></font>'
      + '</fonts>'
      + `<fills count="${2 + fills.length}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>${fills.join('')}</fills>`
      + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
      + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
      + `<cellXfs count="${this.xfList.length}">${this.xfList.join('')}</cellXfs>`
      + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
      + `<dxfs count="${this.dxfs.length}">${this.dxfs.join('')}</dxfs>`
      + '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
      + '</styleSheet>';
  }
}
