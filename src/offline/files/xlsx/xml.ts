/**
 * The few pieces of XML text an xlsx writer needs, written for speed: the leads sheet calls these
 * tens of millions of times, so the common case (nothing to escape) is one regular-expression test.
 */

/** Excel's limit on characters in a cell. */
export const MAX_CELL_TEXT = 32_767;

/**
 * Characters a text node cannot hold as they are: markup (& <), a carriage return (XML parsers
 * turn it into a line feed), the control characters XML 1.0 forbids, lone surrogates, U+FFFE and
 * U+FFFF, and an "_x0041_" already in the text (which a reader would decode).
 */
const TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]|_x[0-9a-fA-F]{4}_/;
const TEXT_REPLACE = /[\ud800-\udbff][\udc00-\udfff]|[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9a-fA-F]{4}_)/g;

const hex4 = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');

function replaceText(m: string): string {
  switch (m) {
    case '&': return '&amp;';
    case '<': return '&lt;';
    case '>': return '&gt;';
    case '\r': return '&#13;';
    case '_': return '_x005F_';
    default:
      // A surrogate pair is a valid character: kept. Everything else XML 1.0 cannot carry is
      // written the way Excel writes it, as _xHHHH_ (UTF-16 code unit in hex).
      return m.length === 2 ? m : `_x${hex4(m.charCodeAt(0))}_`;
  }
}

/** Text for an element's content: escaped, forbidden characters as _xHHHH_. */
export function escapeText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_REPLACE, replaceText) : s;
}

const ATTR_SPECIAL = /[&<>"\r\n\t\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
const ATTR_REPLACE = /[\ud800-\udbff][\udc00-\udfff]|[&<>"\r\n\t\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g;

/** Text for an attribute value (in double quotes). Forbidden characters are dropped. */
export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return s.replace(ATTR_REPLACE, (m) => {
    switch (m) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case '\r': return '&#13;';
      case '\n': return '&#10;';
      case '\t': return '&#9;';
      default: return m.length === 2 ? m : '';
    }
  });
}

/** True when a reader would trim or fold the text unless told to preserve its spaces. */
export function needsPreserve(s: string): boolean {
  if (s.length === 0) return false;
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  return a === 32 || a === 9 || a === 10 || a === 13 || z === 32 || z === 9 || z === 10 || z === 13 || s.includes('\n') || s.includes('\r');
}

/** An inline string's content: `<t>` with xml:space="preserve" when it has outer spaces or line breaks. */
export function inlineText(v: string): string {
  const s = v.length > MAX_CELL_TEXT ? v.slice(0, MAX_CELL_TEXT) : v;
  return needsPreserve(s) ? `<is><t xml:space="preserve">${escapeText(s)}</t></is>` : `<is><t>${escapeText(s)}</t></is>`;
}

/** A number as xsd:double text (finite numbers only). */
export function numberText(n: number): string {
  return n === 0 ? '0' : String(n);
}

/** Column letters: 1 → A, 27 → AA. */
export function columnLetters(c: number): string {
  let s = '';
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** An absolute range reference on a sheet: 'Funnel'!$A$1:$R$40 (the name always quoted). */
export function sheetRange(sheet: string, r1: number, c1: number, r2: number, c2: number): string {
  const q = `'${sheet.replace(/'/g, "''")}'!`;
  const a = `$${columnLetters(c1)}$${r1}`;
  const b = `$${columnLetters(c2)}$${r2}`;
  return a === b ? `${q}${a}` : `${q}${a}:${b}`;
}

/** A range without sheet: A1:C4 (or A1 for one cell). */
export function plainRange(r1: number, c1: number, r2: number, c2: number): string {
  const a = `${columnLetters(c1)}${r1}`;
  const b = `${columnLetters(c2)}${r2}`;
  return a === b ? a : `${a}:${b}`;
}

export const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
