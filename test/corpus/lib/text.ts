/** Writing delimited text the way the imitated tools do, and encoding it to bytes. */

export interface CsvStyle {
  delimiter: string;
  eol: '\r\n' | '\n';
  /** Quote every field (Salesforce), or only those that need it (Excel, most web apps). */
  quoteAll: boolean;
}

export function csvField(value: string, style: CsvStyle): string {
  const needs = style.quoteAll || value.includes(style.delimiter) || /["\r\n]/.test(value);
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[], style: CsvStyle): string {
  return fields.map(f => csvField(f, style)).join(style.delimiter);
}

/** Header, rows and any trailing lines (footers), each line ended with the style's line ending. */
export function csvText(header: readonly string[], rows: readonly (readonly string[])[], style: CsvStyle, trailer: readonly string[] = []): string {
  const lines = [csvLine(header, style), ...rows.map(r => csvLine(r, style)), ...trailer];
  return lines.map(l => l + style.eol).join('');
}

export type Encoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'windows-1252';

// windows-1252's 0x80-0x9F block; everything else it holds is Latin-1.
const CP1252_HIGH: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89,
  'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95,
  '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
};

function windows1252(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  let i = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80 || (c >= 0xa0 && c <= 0xff)) out[i++] = c;
    else if (ch in CP1252_HIGH) out[i++] = CP1252_HIGH[ch];
    else throw new Error(`windows-1252 cannot hold ${JSON.stringify(ch)}`);
  }
  return out.subarray(0, i);
}

export function encode(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'windows-1252':
      return windows1252(text);
  }
}

/** Money in cents, written in the common styles. */
export const money = {
  /** 12500 / 12500.5 (plain number, no grouping) */
  plain(cents: number): string {
    return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2).replace(/0$/, '');
  },
  /** 12,500.00 */
  en(cents: number): string {
    const whole = Math.floor(cents / 100).toLocaleString('en-US');
    return `${whole}.${String(cents % 100).padStart(2, '0')}`;
  },
  /** 1.234,50 */
  eu(cents: number): string {
    const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    return `${whole},${String(cents % 100).padStart(2, '0')}`;
  },
};
