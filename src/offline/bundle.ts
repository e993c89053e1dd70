/**
 * Loads the built Apps Script bundle (dist/Code.js) into a fresh node:vm context, the way Apps
 * Script loads a project: every file's top level runs once, then its top-level function
 * declarations are callable by name. Nothing here knows what the bundle contains.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const DEFAULT_BUNDLE = fileURLToPath(new URL('../../dist/Code.js', import.meta.url));

/** The names of the Apps Script services and globals a bundle might reach for. */
export const SERVICE_NAMES = [
  'SpreadsheetApp', 'HtmlService', 'PropertiesService', 'LockService', 'CacheService',
  'ScriptApp', 'Session', 'Utilities', 'Logger', 'UrlFetchApp', 'DriveApp', 'DocumentApp',
  'Charts', 'Browser', 'ContentService', 'MailApp', 'GmailApp', 'FormApp', 'CalendarApp',
] as const;

/**
 * A stand-in for every Apps Script service that throws as soon as it is touched. Loading a
 * bundle with these proves its top level calls no service: Apps Script runs that top level on
 * every custom-function call and in onOpen's AuthMode.NONE, where most services are refused.
 */
export function throwingServices(): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const name of SERVICE_NAMES) {
    services[name] = new Proxy({}, {
      get(_t, prop) {
        if (prop === Symbol.toPrimitive || prop === 'then') return undefined;
        throw new Error(`${name}.${String(prop)} was touched while the bundle loaded`);
      },
    });
  }
  return services;
}

export interface LoadedBundle {
  context: vm.Context;
  /** A top-level function of the bundle, by name; throws if there is none. */
  fn(name: string): (...args: unknown[]) => unknown;
  /** Names of every top-level function the bundle declares. */
  functionNames(): string[];
  source: string;
}

export function loadBundle(globals: Record<string, unknown> = throwingServices(), path = DEFAULT_BUNDLE): LoadedBundle {
  const source = readFileSync(path, 'utf8');
  return loadBundleSource(source, globals, path);
}

export function loadBundleSource(source: string, globals: Record<string, unknown>, filename = 'Code.js'): LoadedBundle {
  const context = vm.createContext({ ...globals, console });
  new vm.Script(source, { filename }).runInContext(context);
  return describeLoaded(source, context);
}

/**
 * Loads the bundle into this process's own global scope instead of a vm context, for timing only:
 * a vm context answers every global lookup (Math, NaN, Number) through interceptors, which costs
 * far more than the formulas themselves on a million rows, and Apps Script has no such cost. The
 * bundle's declarations then live on globalThis; call it once per process.
 */
export function loadBundleForTiming(globals: Record<string, unknown>, path = DEFAULT_BUNDLE): LoadedBundle {
  const source = readFileSync(path, 'utf8');
  Object.assign(globalThis, globals);
  vm.runInThisContext(source, { filename: path });
  return describeLoaded(source, globalThis as unknown as vm.Context);
}

function describeLoaded(source: string, context: vm.Context): LoadedBundle {
  const declared = [...source.matchAll(/^\s*function\s+([A-Za-z_$][\w$]*)\s*\(/gm)].map((m) => m[1]);
  return {
    context,
    source,
    functionNames: () => declared.filter((n) => typeof context[n] === 'function'),
    fn(name: string) {
      const f = context[name];
      if (typeof f !== 'function') throw new Error(`The bundle has no top-level function ${name}`);
      return f as (...args: unknown[]) => unknown;
    },
  };
}
