/**
 * The smaller services: PropertiesService, LockService, CacheService, Utilities, Session, Logger,
 * ScriptApp and the Charts enums, following their Apps Script reference pages.
 */
import { createHash, randomUUID } from 'node:crypto';
import { expose, fail, makeEnum } from './context.ts';
import { isDate, toRealmArray } from './realm.ts';
import { formatSimpleDate } from './simpleDateFormat.ts';
import type { Scope, ServiceContext } from './state.ts';

// --- PropertiesService ---------------------------------------------------------------------

/** Apps Script's quotas: 9 KB per value, 500 KB per property store. */
const PROPERTY_VALUE_LIMIT = 9 * 1024;
const PROPERTY_STORE_LIMIT = 500 * 1024;

class PropertiesImpl {
  constructor(private readonly ctx: ServiceContext, private readonly store: Map<string, string>) {}

  getProperty(key: string): string | null {
    return this.store.get(String(key)) ?? null;
  }

  setProperty(key: string, value: unknown): unknown {
    this._put(String(key), String(value));
    return this._self();
  }

  setProperties(properties: Record<string, unknown>, deleteAllOthers?: boolean): unknown {
    if (deleteAllOthers) this.store.clear();
    for (const [k, v] of Object.entries(properties)) this._put(k, String(v));
    return this._self();
  }

  getProperties(): Record<string, string> {
    const out = new this.ctx.realm.Object() as Record<string, string>;
    for (const [k, v] of this.store) out[k] = v;
    return out;
  }

  getKeys(): string[] {
    return toRealmArray(this.ctx.realm, [...this.store.keys()]);
  }

  deleteProperty(key: string): unknown {
    this.store.delete(String(key));
    return this._self();
  }

  deleteAllProperties(): unknown {
    this.store.clear();
    return this._self();
  }

  _put(key: string, value: string): void {
    if (key.length + value.length > PROPERTY_VALUE_LIMIT) fail(this.ctx, 'Argument too large: value');
    const size = [...this.store].reduce((n, [k, v]) => (k === key ? n : n + k.length + v.length), 0);
    if (size + key.length + value.length > PROPERTY_STORE_LIMIT) fail(this.ctx, 'You have exceeded the property storage quota. Please remove some properties and try again.');
    this.store.set(key, value);
  }

  proxy: unknown;
  _self(): unknown {
    return this.proxy;
  }
}

function makeProperties(ctx: ServiceContext, scope: Scope): unknown {
  const impl = new PropertiesImpl(ctx, ctx.host.properties[scope]);
  impl.proxy = expose(ctx, 'Properties', impl);
  return impl.proxy;
}

class PropertiesServiceImpl {
  constructor(private readonly ctx: ServiceContext) {}
  getDocumentProperties(): unknown { return makeProperties(this.ctx, 'document'); }
  getUserProperties(): unknown { return makeProperties(this.ctx, 'user'); }
  getScriptProperties(): unknown { return makeProperties(this.ctx, 'script'); }
}

// --- LockService ---------------------------------------------------------------------------

/**
 * A lock per scope, shared by every Lock object of that scope: two Lock objects contend as two
 * executions would. Nothing else runs while a script waits offline, so a lock held by another
 * holder is never released during tryLock/waitLock: they fail at once.
 */
class LockImpl {
  constructor(private readonly ctx: ServiceContext, private readonly scope: Scope) {}

  tryLock(timeoutInMillis: number): boolean {
    this._checkTimeout(timeoutInMillis);
    const holder = this.ctx.host.locks[this.scope];
    if (holder !== null && holder !== this) return false;
    this.ctx.host.locks[this.scope] = this;
    return true;
  }

  waitLock(timeoutInMillis: number): void {
    if (!this.tryLock(timeoutInMillis)) fail(this.ctx, 'Lock timeout: another process was holding the lock for too long.');
  }

  releaseLock(): void {
    if (this.ctx.host.locks[this.scope] === this) this.ctx.host.locks[this.scope] = null;
  }

  hasLock(): boolean {
    return this.ctx.host.locks[this.scope] === this;
  }

  _checkTimeout(timeout: number): void {
    if (typeof timeout !== 'number' || timeout < 0 || timeout > 300_000) fail(this.ctx, 'Invalid argument: timeoutInMillis');
  }
}

class LockServiceImpl {
  constructor(private readonly ctx: ServiceContext) {}
  getDocumentLock(): unknown { return expose(this.ctx, 'Lock', new LockImpl(this.ctx, 'document')); }
  getScriptLock(): unknown { return expose(this.ctx, 'Lock', new LockImpl(this.ctx, 'script')); }
  getUserLock(): unknown { return expose(this.ctx, 'Lock', new LockImpl(this.ctx, 'user')); }
}

// --- CacheService --------------------------------------------------------------------------

const CACHE_KEY_LIMIT = 250;
const CACHE_VALUE_LIMIT = 100 * 1024;
const CACHE_DEFAULT_SECONDS = 600;
const CACHE_MAX_SECONDS = 21_600;

class CacheImpl {
  constructor(private readonly ctx: ServiceContext, private readonly store: Map<string, { value: string; expiresAt: number }>) {}

  get(key: string): string | null {
    const entry = this.store.get(String(key));
    if (!entry) return null;
    if (entry.expiresAt <= this.ctx.host.now()) {
      this.store.delete(String(key));
      return null;
    }
    return entry.value;
  }

  getAll(keys: string[]): Record<string, string> {
    const out = new this.ctx.realm.Object() as Record<string, string>;
    for (const key of keys) {
      const v = this.get(key);
      if (v !== null) out[key] = v;
    }
    return out;
  }

  put(key: string, value: string, expirationInSeconds = CACHE_DEFAULT_SECONDS): void {
    const k = String(key);
    const v = String(value);
    if (k.length > CACHE_KEY_LIMIT) fail(this.ctx, 'Argument too large: key');
    if (v.length > CACHE_VALUE_LIMIT) fail(this.ctx, 'Argument too large: value');
    const seconds = Math.min(Math.max(Number(expirationInSeconds), 1), CACHE_MAX_SECONDS);
    this.store.set(k, { value: v, expiresAt: this.ctx.host.now() + seconds * 1000 });
  }

  putAll(values: Record<string, string>, expirationInSeconds = CACHE_DEFAULT_SECONDS): void {
    for (const [k, v] of Object.entries(values)) this.put(k, v, expirationInSeconds);
  }

  remove(key: string): void {
    this.store.delete(String(key));
  }

  removeAll(keys: string[]): void {
    for (const key of keys) this.store.delete(String(key));
  }
}

class CacheServiceImpl {
  constructor(private readonly ctx: ServiceContext) {}
  getDocumentCache(): unknown { return expose(this.ctx, 'Cache', new CacheImpl(this.ctx, this.ctx.host.caches.document)); }
  getScriptCache(): unknown { return expose(this.ctx, 'Cache', new CacheImpl(this.ctx, this.ctx.host.caches.script)); }
  getUserCache(): unknown { return expose(this.ctx, 'Cache', new CacheImpl(this.ctx, this.ctx.host.caches.user)); }
}

// --- Utilities -----------------------------------------------------------------------------

const DIGESTS: Record<string, string> = { MD2: 'md2', MD5: 'md5', SHA_1: 'sha1', SHA_256: 'sha256', SHA_384: 'sha384', SHA_512: 'sha512' };

/** Apps Script returns bytes as signed Java bytes (-128..127). */
function signedBytes(ctx: ServiceContext, buffer: Buffer): number[] {
  return toRealmArray(ctx.realm, [...buffer].map((b) => (b > 127 ? b - 256 : b)));
}

function bytesOf(data: unknown): Buffer {
  if (Array.isArray(data)) return Buffer.from(data.map((b: number) => b & 0xff));
  return Buffer.from(String(data), 'utf8');
}

class UtilitiesImpl {
  readonly DigestAlgorithm: Record<string, string>;
  readonly Charset: Record<string, string>;

  constructor(private readonly _ctx: ServiceContext) {
    this.DigestAlgorithm = makeEnum(_ctx, 'DigestAlgorithm', ['MD2', 'MD5', 'SHA_1', 'SHA_256', 'SHA_384', 'SHA_512']);
    this.Charset = makeEnum(_ctx, 'Charset', ['US_ASCII', 'UTF_8']);
  }

  formatDate(date: Date, timeZone: string, format: string): string {
    if (!isDate(date)) fail(this._ctx, 'Invalid argument: date');
    try {
      return formatSimpleDate(date.getTime(), String(timeZone), String(format));
    } catch (e) {
      return fail(this._ctx, (e as Error).message);
    }
  }

  /** Offline nothing runs concurrently, so there is nothing to wait for. */
  sleep(milliseconds: number): void {
    if (typeof milliseconds !== 'number' || milliseconds < 0) fail(this._ctx, 'Invalid argument: milliseconds');
  }

  getUuid(): string {
    return randomUUID();
  }

  base64Encode(data: unknown): string {
    return bytesOf(data).toString('base64');
  }

  base64EncodeWebSafe(data: unknown): string {
    return bytesOf(data).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }

  base64Decode(encoded: string): number[] {
    return signedBytes(this._ctx, Buffer.from(String(encoded), 'base64'));
  }

  base64DecodeWebSafe(encoded: string): number[] {
    return signedBytes(this._ctx, Buffer.from(String(encoded).replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
  }

  computeDigest(algorithm: string, value: unknown): number[] {
    const name = DIGESTS[String(algorithm)];
    if (!name) fail(this._ctx, 'Invalid argument: algorithm');
    return signedBytes(this._ctx, createHash(name).update(bytesOf(value)).digest());
  }

  /** sprintf-style %s %d %i %f %% (Apps Script: Utilities.formatString). */
  formatString(template: string, ...args: unknown[]): string {
    let i = 0;
    return String(template).replace(/%(?:\.(\d+))?([sdif%])/g, (_m, precision: string | undefined, type: string) => {
      if (type === '%') return '%';
      const arg = args[i++];
      if (type === 's') return String(arg);
      if (type === 'd' || type === 'i') return String(Math.trunc(Number(arg)));
      return precision !== undefined ? Number(arg).toFixed(Number(precision)) : String(Number(arg));
    });
  }

  /** RFC 4180 CSV (quoted fields, doubled quotes, embedded newlines). */
  parseCsv(csv: string, delimiter = ','): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    const text = String(csv);
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === delimiter) { row.push(field); field = ''; } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && text[i + 1] === '\n') i++;
        row.push(field); rows.push(row); row = []; field = '';
      } else field += ch;
    }
    if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
    return toRealmArray(this._ctx.realm, rows.map((r) => toRealmArray(this._ctx.realm, r)));
  }
}

// --- Session, Logger, ScriptApp, Charts ------------------------------------------------------

class UserImpl {
  constructor(private readonly email: string) {}
  getEmail(): string { return this.email; }
}

class SessionImpl {
  constructor(private readonly ctx: ServiceContext) {}
  getScriptTimeZone(): string { return this.ctx.host.model.timeZone; }
  /** Like a consumer account seen from a custom function or a simple trigger: no address. */
  getActiveUser(): unknown { return expose(this.ctx, 'User', new UserImpl(''), { counted: false }); }
  getEffectiveUser(): unknown { return expose(this.ctx, 'User', new UserImpl(''), { counted: false }); }
  getActiveUserLocale(): string { return this.ctx.host.model.locale.split(/[_-]/)[0]; }
  getTemporaryActiveUserKey(): string { return 'offline-temporary-user-key'; }
}

function logLine(format: unknown, values: unknown[]): string {
  if (values.length === 0) return typeof format === 'string' ? format : JSON.stringify(format) ?? String(format);
  let i = 0;
  return String(format).replace(/%[sdf]/g, () => String(values[i++]));
}

class LoggerImpl {
  proxy: unknown;
  constructor(private readonly ctx: ServiceContext) {}
  log(data: unknown, ...values: unknown[]): unknown {
    this.ctx.host.logs.push(logLine(data, values));
    return this.proxy;
  }
  getLog(): string { return this.ctx.host.logs.join('\n'); }
  clear(): void { this.ctx.host.logs.length = 0; }
}

const AUTH_MODES = ['NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL'] as const;

class ScriptAppImpl {
  readonly AuthMode: Record<string, string>;
  readonly AuthorizationStatus: Record<string, string>;
  constructor(_ctx: ServiceContext) {
    this.AuthMode = makeEnum(_ctx, 'AuthMode', AUTH_MODES);
    this.AuthorizationStatus = makeEnum(_ctx, 'AuthorizationStatus', ['REQUIRED', 'NOT_REQUIRED']);
  }
  getScriptId(): string { return 'offline-script-id'; }
}

const CHART_TYPES = [
  'AREA', 'BAR', 'BUBBLE', 'CANDLESTICK', 'COLUMN', 'COMBO', 'GAUGE', 'GEO', 'HISTOGRAM', 'RADAR', 'LINE', 'ORG',
  'PIE', 'SCATTER', 'SPARKLINE', 'STEPPED_AREA', 'TABLE', 'TIMELINE', 'TREEMAP', 'WATERFALL',
] as const;

class ChartsImpl {
  readonly ChartType: Record<string, string>;
  readonly Position: Record<string, string>;
  constructor(_ctx: ServiceContext) {
    this.ChartType = makeEnum(_ctx, 'ChartType', CHART_TYPES);
    this.Position = makeEnum(_ctx, 'Position', ['TOP', 'RIGHT', 'BOTTOM', 'NONE']);
  }
}

export { CHART_TYPES, AUTH_MODES };

export function makeServices(ctx: ServiceContext) {
  const logger = new LoggerImpl(ctx);
  logger.proxy = expose(ctx, 'Logger', logger);
  return {
    PropertiesService: expose<GoogleAppsScript.Properties.PropertiesService>(ctx, 'PropertiesService', new PropertiesServiceImpl(ctx)),
    LockService: expose<GoogleAppsScript.Lock.LockService>(ctx, 'LockService', new LockServiceImpl(ctx)),
    CacheService: expose<GoogleAppsScript.Cache.CacheService>(ctx, 'CacheService', new CacheServiceImpl(ctx)),
    Utilities: expose<GoogleAppsScript.Utilities.Utilities>(ctx, 'Utilities', new UtilitiesImpl(ctx), { data: true }),
    Session: expose<GoogleAppsScript.Base.Session>(ctx, 'Session', new SessionImpl(ctx)),
    Logger: logger.proxy as GoogleAppsScript.Base.Logger,
    ScriptApp: expose<GoogleAppsScript.Script.ScriptApp>(ctx, 'ScriptApp', new ScriptAppImpl(ctx), { data: true }),
    Charts: expose<GoogleAppsScript.Charts.Charts>(ctx, 'Charts', new ChartsImpl(ctx), { data: true, counted: false }),
  };
}
