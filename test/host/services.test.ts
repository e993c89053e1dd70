/**
 * PropertiesService, LockService, CacheService, Session, Logger and ScriptApp against their Apps
 * Script reference behaviour.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/offline/host/index.ts';
import { hostWithBundle } from './helpers.ts';

describe('PropertiesService', () => {
  it('stores strings per scope; getProperty returns null for a missing key', () => {
    const host = createHost();
    const { PropertiesService } = host.globals;
    const doc = PropertiesService.getDocumentProperties();
    doc.setProperty('count', 3 as unknown as string).setProperties({ a: '1', b: '2' });
    expect(doc.getProperty('count')).toBe('3');
    expect(doc.getProperty('missing')).toBeNull();
    expect(doc.getProperties()).toEqual({ count: '3', a: '1', b: '2' });
    expect(PropertiesService.getUserProperties().getProperty('count')).toBeNull();
    doc.setProperties({ only: 'this' }, true);
    expect(doc.getKeys()).toEqual(['only']);
    doc.deleteProperty('only');
    expect(host.properties.document.size).toBe(0);
  });

  it('refuses a value over 9 KB ("Argument too large")', () => {
    const props = createHost().globals.PropertiesService.getScriptProperties();
    expect(() => props.setProperty('big', 'x'.repeat(10_000))).toThrow('Argument too large: value');
  });
});

describe('LockService', () => {
  it('two locks of the same scope contend; waitLock throws Apps Script\'s timeout message', () => {
    const { LockService } = createHost().globals;
    const first = LockService.getDocumentLock();
    const second = LockService.getDocumentLock();
    expect(first.tryLock(1000)).toBe(true);
    expect(first.hasLock()).toBe(true);
    expect(second.tryLock(1000)).toBe(false);
    expect(() => second.waitLock(1000)).toThrow('Lock timeout: another process was holding the lock for too long.');
    expect(LockService.getScriptLock().tryLock(0)).toBe(true);
    first.releaseLock();
    expect(second.tryLock(1000)).toBe(true);
  });

  it('a lock held by another execution (host.holdLock) blocks the script; locks are released when a run ends', () => {
    const host = hostWithBundle(`
      function take() { var l = LockService.getScriptLock(); l.waitLock(5000); return l.hasLock(); }
      function tryTake() { return LockService.getScriptLock().tryLock(100); }
    `);
    const release = host.holdLock('script');
    expect(host.run('take')).toEqual({ ok: false, error: { name: 'Error', message: 'Lock timeout: another process was holding the lock for too long.' } });
    release();
    expect(host.run('take')).toEqual({ ok: true, value: true });
    // "Locks are released when the script completes": the next execution can take it.
    expect(host.run('tryTake')).toEqual({ ok: true, value: true });
  });
});

describe('CacheService', () => {
  it('get/put/remove/getAll/putAll, with expiry (default 600 s)', () => {
    const host = createHost({ now: () => 1_000_000 });
    const cache = host.globals.CacheService.getScriptCache()!;
    cache.put('a', '1');
    cache.put('short', 'x', 5);
    cache.putAll({ b: '2', c: '3' }, 60);
    expect(cache.getAll(['a', 'b', 'zzz'])).toEqual({ a: '1', b: '2' });
    host.clock.advance(6_000);
    expect(cache.get('short')).toBeNull();
    expect(cache.get('c')).toBe('3');
    host.clock.advance(60_000);
    expect(cache.get('c')).toBeNull();
    expect(cache.get('a')).toBe('1');
    cache.remove('a');
    expect(cache.get('a')).toBeNull();
    expect(host.globals.CacheService.getDocumentCache()!.get('b')).toBeNull();
  });
});

describe('Session, Logger, ScriptApp, Utilities', () => {
  it('Session: script time zone is the spreadsheet\'s; the active user\'s email is "" (consumer account)', () => {
    const host = createHost({ timeZone: 'Asia/Tokyo' });
    expect(host.globals.Session.getScriptTimeZone()).toBe('Asia/Tokyo');
    expect(host.globals.Session.getActiveUser().getEmail()).toBe('');
    expect(host.globals.Session.getActiveUserLocale()).toBe('en');
  });

  it('Logger.log records lines with %s placeholders; ScriptApp.AuthMode has the four modes', () => {
    const host = createHost();
    host.globals.Logger.log('loaded %s rows in %s', 12, 'Leads');
    host.globals.Logger.log({ a: 1 });
    expect(host.logs).toEqual(['loaded 12 rows in Leads', '{"a":1}']);
    expect(Object.keys(host.globals.ScriptApp.AuthMode)).toEqual(['NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL']);
  });

  it('Utilities.getUuid gives v4 UUIDs, sleep returns at once, computeDigest gives signed bytes', () => {
    const { Utilities } = createHost().globals;
    expect(Utilities.getUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const t = Date.now();
    Utilities.sleep(5000);
    expect(Date.now() - t).toBeLessThan(1000);
    const md5 = Utilities.computeDigest(Utilities.DigestAlgorithm.MD5, 'abc');
    expect(md5.slice(0, 4)).toEqual([-112, 1, 80, -104]);
    expect(Utilities.base64Encode('hi')).toBe('aGk=');
  });
});
