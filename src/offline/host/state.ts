/**
 * Everything one offline host holds besides the spreadsheet model, and the context service
 * implementations receive.
 */
import type { ApiContext, AuthMode } from './context.ts';
import type { GridRange, SheetModel, SpreadsheetModel } from './model.ts';
import type { UiRecorder } from './ui.ts';

export type Scope = 'document' | 'user' | 'script';

export interface CacheEntry {
  value: string;
  expiresAt: number;
}

export interface HostState {
  model: SpreadsheetModel;
  ui: UiRecorder;
  logs: string[];
  properties: Record<Scope, Map<string, string>>;
  caches: Record<Scope, Map<string, CacheEntry>>;
  /** Holder of each scope's lock (a Lock implementation or an outside holder token), if any. */
  locks: Record<Scope, object | null>;
  /** Milliseconds since the epoch on the host's clock (cache expiry; can be advanced in tests). */
  now(): number;
  authMode: AuthMode;
  /** Folder HtmlService.createHtmlOutputFromFile reads from. */
  distDir: string;
  /** getRange() past the grid throws like Apps Script instead of growing the sheet. */
  strictGridBounds: boolean;
  /** Runs code in the loaded bundle's context (HtmlService templates call bundle functions). */
  compileInBundle?: (source: string) => unknown;
}

/** Builds the service objects of one context (a script's counted view, or the host's own view). */
export interface ApiFactory {
  spreadsheet(): GoogleAppsScript.Spreadsheet.Spreadsheet;
  sheet(model: SheetModel): GoogleAppsScript.Spreadsheet.Sheet;
  range(grid: GridRange): GoogleAppsScript.Spreadsheet.Range;
}

export interface ServiceContext extends ApiContext {
  readonly host: HostState;
  readonly api: ApiFactory;
}
