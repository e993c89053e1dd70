/** Whatever the offline host does not implement throws an error naming it: never a silent no-op. */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/offline/host/index.ts';
import { hostWithBundle } from './helpers.ts';

describe('not supported offline', () => {
  it('unknown members of service objects throw "<Service>.<member> is not supported offline"', () => {
    const host = createHost();
    const g = host.globals as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>;
    expect(() => g.SpreadsheetApp.openByUrl('x')).toThrow('SpreadsheetApp.openByUrl is not supported offline');
    const range = host.globals.SpreadsheetApp.getActiveSheet().getRange('A1') as unknown as Record<string, () => unknown>;
    expect(() => range.copyTo()).toThrow('Range.copyTo is not supported offline');
    expect(() => g.UrlFetchApp.fetch('https://example.com')).toThrow('UrlFetchApp.fetch is not supported offline');
    expect(() => g.ScriptApp.newTrigger('x')).toThrow('ScriptApp.newTrigger is not supported offline');
    expect(() => (host.globals.SpreadsheetApp.BorderStyle as unknown as Record<string, string>).WAVY).toThrow('BorderStyle.WAVY is not supported offline');
  });

  it('bundle code sees the same errors, as Error objects of its own realm', () => {
    const host = hostWithBundle(`
      function tryDrive() {
        try { DriveApp.getFiles(); return 'no error'; } catch (e) { return (e instanceof Error) + ' ' + e.message; }
      }
    `);
    expect(host.run('tryDrive')).toEqual({ ok: true, value: 'true DriveApp.getFiles is not supported offline' });
  });

  it('host internals are not reachable from scripts', () => {
    const range = createHost().globals.SpreadsheetApp.getActiveSheet().getRange('A1') as unknown as Record<string, unknown>;
    expect(() => range.grid).toThrow('Range.grid is not supported offline');
    expect(() => range._write).toThrow('Range._write is not supported offline');
    expect(() => { range.extra = 1; }).toThrow('Cannot set Range.extra');
  });
});
