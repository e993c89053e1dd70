/**
 * The machinery shared by every offline service object:
 *  - expose(): wraps an implementation in a Proxy that counts calls, enforces the authorization
 *    mode, and throws "<Service>.<member> is not supported offline" for any member the offline
 *    host does not implement (never a silent undefined or no-op);
 *  - CallCounter: service calls per action, split into reads / writes / formats / other;
 *  - ApiContext: which realm values are built in, whether calls are counted.
 */
import type { Realm } from './realm.ts';

export type AuthMode = 'NONE' | 'CUSTOM_FUNCTION' | 'LIMITED' | 'FULL';

export interface CallSnapshot {
  reads: number;
  writes: number;
  formats: number;
  other: number;
  total: number;
  byMethod: Record<string, number>;
}

type Category = 'reads' | 'writes' | 'formats' | 'other';

const READS = new Set([
  'Range.getValue', 'Range.getValues', 'Range.getDisplayValue', 'Range.getDisplayValues', 'Range.getFormula',
  'Range.getFormulas', 'Range.getNumberFormat', 'Range.getNumberFormats', 'Range.getBackground',
  'Range.getBackgrounds', 'Range.getFontWeight', 'Range.getFontWeights', 'Range.getFontColor', 'Range.getNote',
  'Range.getNotes', 'Range.getDataValidation', 'Range.getDataValidations', 'Range.isChecked', 'Range.isBlank',
  'Range.getHorizontalAlignment', 'Range.getWrap', 'Range.getMergedRanges',
  'Sheet.getLastRow', 'Sheet.getLastColumn', 'Sheet.getDataRange', 'Sheet.getCharts', 'Sheet.getConditionalFormatRules',
  'Sheet.getProtections', 'Sheet.getColumnWidth', 'Spreadsheet.getLastRow', 'Spreadsheet.getLastColumn',
]);

const WRITES = new Set([
  'Range.setValue', 'Range.setValues', 'Range.setFormula', 'Range.setFormulas', 'Range.clear', 'Range.clearContent',
  'Range.check', 'Range.uncheck', 'Range.insertCheckboxes', 'Range.removeCheckboxes',
  'Sheet.appendRow', 'Sheet.insertRowAfter', 'Sheet.insertRowBefore', 'Sheet.insertRows', 'Sheet.insertRowsAfter',
  'Sheet.insertRowsBefore', 'Sheet.insertColumnAfter', 'Sheet.insertColumnBefore', 'Sheet.insertColumns',
  'Sheet.insertColumnsAfter', 'Sheet.insertColumnsBefore', 'Sheet.deleteRow', 'Sheet.deleteRows', 'Sheet.deleteColumn',
  'Sheet.deleteColumns', 'Sheet.clear', 'Sheet.clearContents', 'Sheet.setName',
  'Spreadsheet.insertSheet', 'Spreadsheet.deleteSheet', 'Spreadsheet.setNamedRange', 'Spreadsheet.removeNamedRange',
  'Spreadsheet.rename', 'Spreadsheet.appendRow',
]);

const FORMATS = new Set([
  'Range.setNumberFormat', 'Range.setNumberFormats', 'Range.setBackground', 'Range.setBackgrounds',
  'Range.setFontWeight', 'Range.setFontWeights', 'Range.setFontColor', 'Range.setFontColors', 'Range.setFontSize',
  'Range.setFontStyle', 'Range.setHorizontalAlignment', 'Range.setHorizontalAlignments', 'Range.setVerticalAlignment', 'Range.setWrap',
  'Range.setWrapStrategy', 'Range.setBorder', 'Range.merge', 'Range.mergeAcross', 'Range.mergeVertically',
  'Range.breakApart', 'Range.setNote', 'Range.setNotes', 'Range.clearNote', 'Range.setDataValidation',
  'Range.setDataValidations', 'Range.clearDataValidations', 'Range.clearFormat', 'Range.protect',
  'Sheet.setConditionalFormatRules', 'Sheet.insertChart', 'Sheet.updateChart', 'Sheet.removeChart',
  'Sheet.setColumnWidth', 'Sheet.setColumnWidths', 'Sheet.setRowHeight', 'Sheet.autoResizeColumn',
  'Sheet.autoResizeColumns', 'Sheet.setFrozenRows', 'Sheet.setFrozenColumns', 'Sheet.setTabColor', 'Sheet.hideSheet',
  'Sheet.showSheet', 'Sheet.protect', 'Sheet.clearFormats', 'Sheet.hideColumns', 'Sheet.showColumns',
  'Sheet.hideRows', 'Sheet.showRows', 'Spreadsheet.setFrozenRows',
]);

function categoryOf(key: string): Category {
  if (READS.has(key)) return 'reads';
  if (WRITES.has(key)) return 'writes';
  if (FORMATS.has(key)) return 'formats';
  return 'other';
}

export class CallCounter {
  private byMethod = new Map<string, number>();

  record(service: string, method: string): void {
    const key = `${service}.${method}`;
    this.byMethod.set(key, (this.byMethod.get(key) ?? 0) + 1);
  }

  reset(): void {
    this.byMethod.clear();
  }

  snapshot(): CallSnapshot {
    const snap: CallSnapshot = { reads: 0, writes: 0, formats: 0, other: 0, total: 0, byMethod: {} };
    for (const [key, n] of [...this.byMethod].sort(([a], [b]) => a.localeCompare(b))) {
      snap.byMethod[key] = n;
      snap[categoryOf(key)] += n;
      snap.total += n;
    }
    return snap;
  }
}

/** What every service object needs to know about where it is used. */
export interface ApiContext {
  /** Count calls and enforce the authorization mode (the script's view); false for host inspection. */
  readonly counted: boolean;
  /** The realm values handed out are built in (the bundle's, once loaded). */
  realm: Realm;
  readonly counter: CallCounter;
  /** The authorization mode the script currently runs in. */
  authMode(): AuthMode;
}

/** Throws an Error of the context's realm (so `e instanceof Error` holds in bundle code). */
export function fail(ctx: ApiContext, message: string): never {
  throw new ctx.realm.Error(message);
}

/** Members a service may be asked for without being an Apps Script member. */
const NEUTRAL_MEMBERS = new Set(['then', 'toJSON', 'asymmetricMatch', '$$typeof', 'nodeType', 'tagName', '@@__IMMUTABLE_ITERABLE__@@', '@@__IMMUTABLE_RECORD__@@', '_isMockFunction']);

/** Calls an add-on's onOpen may make in AuthMode.NONE (no authorization yet): building menus. */
const ALLOWED_WITHOUT_AUTH = new Set([
  'SpreadsheetApp.getUi', 'Ui.createAddonMenu', 'Ui.createMenu', 'Menu.addItem', 'Menu.addSeparator',
  'Menu.addSubMenu', 'Menu.addToUi', 'Session.getActiveUserLocale', 'Session.getScriptTimeZone',
]);
const SERVICES_WITHOUT_AUTH = new Set(['Logger', 'Utilities', 'HtmlService', 'HtmlOutput', 'HtmlTemplate']);

const MUTATOR = /^(set|insert|append|delete|clear|merge|breakApart|remove|add|hide|show|protect|check|uncheck|activate|sort|copy|move|autoResize|update|rename|toast)/;
const SPREADSHEET_OBJECTS = new Set(['Spreadsheet', 'Sheet', 'Range', 'SpreadsheetApp']);

function enforceAuthMode(ctx: ApiContext, service: string, method: string): void {
  const mode = ctx.authMode();
  const key = `${service}.${method}`;
  if (mode === 'NONE' && !ALLOWED_WITHOUT_AUTH.has(key) && !SERVICES_WITHOUT_AUTH.has(service)) {
    fail(ctx, `${key} is not allowed in AuthMode.NONE (an add-on's onOpen before the user authorised it may only build menus)`);
  }
  if (mode === 'CUSTOM_FUNCTION') {
    if (key === 'SpreadsheetApp.getUi') fail(ctx, 'Cannot call SpreadsheetApp.getUi() from this context.');
    if (SPREADSHEET_OBJECTS.has(service) && MUTATOR.test(method)) {
      fail(ctx, `You do not have permission to call ${method}`);
    }
  }
}

/**
 * Whether a script may see a member: methods of the implementation's classes (not Object's), or
 * own data properties when the object is plain data (an enum). Names starting with "_" are the
 * host's own and never visible.
 */
function isVisible(impl: object, prop: string, data: boolean): boolean {
  if (prop.startsWith('_')) return false;
  if (data && Object.prototype.hasOwnProperty.call(impl, prop)) return true;
  let proto = Object.getPrototypeOf(impl);
  while (proto && proto !== Object.prototype) {
    if (Object.prototype.hasOwnProperty.call(proto, prop)) return typeof Object.getOwnPropertyDescriptor(proto, prop)?.value === 'function';
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

export interface ExposeOptions {
  /** Builders, enums and other local objects make no service call in Apps Script: not counted. */
  counted?: boolean;
  /** Expose the object's own data properties (enums). */
  data?: boolean;
  /** Scripts may assign and read arbitrary properties, kept here (HtmlTemplate variables). */
  vars?: Record<string, unknown>;
}

/**
 * Wraps an implementation object as an Apps Script service object: only the methods of its class
 * are visible to scripts, each call is counted and checked against the authorization mode, and any
 * other member throws "<Service>.<member> is not supported offline".
 */
export function expose<T>(ctx: ApiContext, service: string, impl: object, options: ExposeOptions = {}): T {
  const proxy = makeProxy(ctx, service, impl, options);
  implementations.set(proxy, impl);
  return proxy as T;
}

/** Implementation objects behind the proxies handed to scripts (any context). */
const implementations = new WeakMap<object, object>();

/** The implementation behind a service object a script passed back (a Range to setRanges()...). */
export function implOf<T>(value: unknown): T | undefined {
  return typeof value === 'object' && value !== null ? (implementations.get(value) as T | undefined) : undefined;
}

function makeProxy(ctx: ApiContext, service: string, impl: object, options: ExposeOptions): object {
  const counted = ctx.counted && options.counted !== false;
  const data = options.data === true;
  const wrappers = new Map<string, (...args: unknown[]) => unknown>();
  return new Proxy(impl, {
    get(target, prop, receiver) {
      if (typeof prop === 'symbol') return Reflect.get(target, prop, receiver);
      if (prop === 'toString') return () => service;
      if (NEUTRAL_MEMBERS.has(prop)) return undefined;
      if (options.vars && Object.prototype.hasOwnProperty.call(options.vars, prop)) return options.vars[prop];
      if (!isVisible(target, prop, data)) {
        if (prop in Object.prototype) return Reflect.get(target, prop, receiver);
        fail(ctx, `${service}.${prop} is not supported offline`);
      }
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let wrapper = wrappers.get(prop);
      if (!wrapper) {
        wrapper = (...args: unknown[]) => {
          if (ctx.counted) enforceAuthMode(ctx, service, prop);
          if (counted) ctx.counter.record(service, prop);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
        wrappers.set(prop, wrapper);
      }
      return wrapper;
    },
    has(target, prop) {
      return typeof prop === 'string' && isVisible(target, prop, data);
    },
    ownKeys(target) {
      return data ? Reflect.ownKeys(target).filter((k) => typeof k === 'string' && !k.startsWith('_')) : [];
    },
    set(target, prop, value) {
      if (options.vars && typeof prop === 'string' && !isVisible(target, prop, data)) {
        options.vars[prop] = value;
        return true;
      }
      // Apps Script objects are not extensible by scripts; make mistakes loud.
      return fail(ctx, `Cannot set ${service}.${String(prop)}`);
    },
  });
}

/** An Apps Script enum: its members are their own names; an unknown member throws. */
export function makeEnum<const K extends string>(ctx: ApiContext, name: string, members: readonly K[]): Record<K, K> {
  const impl = Object.fromEntries(members.map((m) => [m, m])) as Record<K, K>;
  return expose<Record<K, K>>(ctx, name, impl, { counted: false, data: true });
}
