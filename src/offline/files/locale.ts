/**
 * What a spreadsheet locale says about reading a CSV: the order of day, month and year in a
 * numeric date, and whether a comma is the decimal mark. Taken from Intl (ICU), so any locale
 * Node knows works: en_US → month first and a decimal point; en_GB → day first and a decimal
 * point; fr_FR, de_DE, es_ES, pt_BR, it_IT, nl_NL… → day first and a decimal comma.
 */

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

export const DATE_ORDERS: readonly DateOrder[] = ['dmy', 'mdy', 'ymd'];

/** The locale a file is read in when none is given: Google Sheets' default. */
export const DEFAULT_LOCALE = 'en_US';

export interface LocaleConventions {
  /** As given, with "-" written "_" (e.g. "fr_FR"): for messages. */
  name: string;
  dateOrder: DateOrder;
  decimalComma: boolean;
}

const cache = new Map<string, LocaleConventions>();

/**
 * The conventions of a locale written "fr_FR", "fr-FR" or "fr". Throws a RangeError naming the
 * locale when it is not a well-formed locale name that Intl knows.
 */
export function localeConventions(locale: string = DEFAULT_LOCALE): LocaleConventions {
  const known = cache.get(locale);
  if (known) return known;
  const bad = () => new RangeError(
    `Unknown locale "${locale}": expected a spreadsheet locale such as "en_US", "en_GB", "fr_FR", "de_DE" or "pt_BR".`);
  let tag: string;
  try {
    [tag] = Intl.getCanonicalLocales(locale.trim().replace(/_/g, '-'));
  } catch {
    throw bad();
  }
  if (!tag || Intl.DateTimeFormat.supportedLocalesOf([tag]).length === 0) throw bad();
  const order = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' })
    .formatToParts(new Date(Date.UTC(2017, 9, 20)))
    .filter(p => p.type === 'day' || p.type === 'month' || p.type === 'year')
    .map(p => p.type[0])
    .join('');
  const decimal = new Intl.NumberFormat(tag).formatToParts(1.5).find(p => p.type === 'decimal')?.value;
  const conventions: LocaleConventions = {
    name: tag.replace(/-/g, '_'),
    dateOrder: order === 'dmy' || order === 'ymd' ? order : order === 'mdy' ? 'mdy' : 'dmy',
    decimalComma: decimal === ',',
  };
  cache.set(locale, conventions);
  return conventions;
}

/** Throws a RangeError unless `order` is one of 'dmy', 'mdy', 'ymd' (for callers outside TypeScript). */
export function assertDateOrder(order: unknown): asserts order is DateOrder | undefined {
  if (order !== undefined && !DATE_ORDERS.includes(order as DateOrder)) {
    throw new RangeError(`Unknown date order "${String(order)}": expected "dmy" (day first), "mdy" (month first) or "ymd" (year first).`);
  }
}
