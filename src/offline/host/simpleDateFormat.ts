/**
 * Utilities.formatDate(date, timeZone, pattern): Java SimpleDateFormat patterns, which Apps Script
 * documents as the format of that method. Supported letters: G y Y M L d D E u a H k K h m s S z Z X
 * and quoted literals ('text', '' for a quote). Other letters throw like Java does
 * ("Illegal pattern character 'q'").
 */
import { wallTime, zoneAbbreviation } from './timezone.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
}

function dayOfYear(year: number, month: number, day: number): number {
  return (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
}

function offsetText(minutes: number, style: 'Z' | 'X' | 'XX' | 'XXX'): string {
  if (minutes === 0 && style !== 'Z') return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const h = pad(Math.floor(Math.abs(minutes) / 60), 2);
  const m = pad(Math.abs(minutes) % 60, 2);
  if (style === 'X') return sign + h;
  if (style === 'XXX') return `${sign}${h}:${m}`;
  return sign + h + m;
}

export function formatSimpleDate(ms: number, timeZone: string, pattern: string): string {
  const t = wallTime(ms, timeZone);
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      const stop = end < 0 ? pattern.length : end;
      out += pattern.slice(i + 1, stop);
      i = stop;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch;
      continue;
    }
    let j = i;
    while (pattern[j] === ch) j++;
    const n = j - i;
    i = j - 1;
    out += field(ch, n, t, ms, timeZone);
  }
  return out;
}

function field(ch: string, n: number, t: ReturnType<typeof wallTime>, ms: number, timeZone: string): string {
  switch (ch) {
    case 'G': return t.year > 0 ? 'AD' : 'BC';
    case 'y':
    case 'Y': return n === 2 ? pad(t.year % 100, 2) : pad(t.year, n);
    case 'M':
    case 'L':
      if (n >= 4) return MONTHS[t.month - 1];
      if (n === 3) return MONTHS[t.month - 1].slice(0, 3);
      return pad(t.month, n);
    case 'd': return pad(t.day, n);
    case 'D': return pad(dayOfYear(t.year, t.month, t.day), n);
    case 'E': return n >= 4 ? DAYS[t.weekday] : DAYS[t.weekday].slice(0, 3);
    case 'u': return pad(t.weekday === 0 ? 7 : t.weekday, n);
    case 'a': return t.hour < 12 ? 'AM' : 'PM';
    case 'H': return pad(t.hour, n);
    case 'k': return pad(t.hour === 0 ? 24 : t.hour, n);
    case 'K': return pad(t.hour % 12, n);
    case 'h': return pad(t.hour % 12 === 0 ? 12 : t.hour % 12, n);
    case 'm': return pad(t.minute, n);
    case 's': return pad(t.second, n);
    case 'S': return pad(t.millisecond, Math.max(n, 3)).slice(0, Math.max(n, 3));
    case 'z': return n >= 4 ? timeZone : zoneAbbreviation(ms, timeZone);
    case 'Z': return offsetText(t.offsetMinutes, 'Z');
    case 'X': return offsetText(t.offsetMinutes, n === 1 ? 'X' : n === 2 ? 'XX' : 'XXX');
    default: throw new Error(`Illegal pattern character '${ch}'`);
  }
}
