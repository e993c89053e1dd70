/**
 * HtmlService: HtmlOutput objects, files read from the dist folder (Apps Script looks a file up by
 * its name, "Sidebar" → Sidebar.html) and templates with <?= ?> (HTML-escaped), <?!= ?> (raw) and
 * <? ?> (code) scriptlets. Template code runs in the loaded bundle's global scope, so helpers such
 * as include() defined by the bundle work as they do in Apps Script.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expose, fail, makeEnum } from './context.ts';
import type { ServiceContext } from './state.ts';

export const SANDBOX_MODES = ['EMULATED', 'IFRAME', 'NATIVE'] as const;
export const X_FRAME_OPTIONS_MODES = ['ALLOWALL', 'DEFAULT'] as const;

function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

class HtmlOutputImpl {
  readonly _isHtmlOutput = true;
  _title = '';
  _width: number | null = null;
  _height: number | null = null;
  _sandboxMode = 'IFRAME';
  _xFrameOptionsMode = 'DEFAULT';
  _faviconUrl: string | null = null;
  _metaTags: { name: string; content: string }[] = [];
  _proxy: unknown;

  constructor(private readonly _ctx: ServiceContext, public _content: string) {}

  getContent(): string { return this._content; }
  setContent(content: string): unknown { this._content = String(content); return this._proxy; }
  append(addedContent: string): unknown { this._content += String(addedContent); return this._proxy; }
  appendUntrusted(addedContent: string): unknown { this._content += escapeHtml(addedContent); return this._proxy; }
  clear(): unknown { this._content = ''; return this._proxy; }
  getTitle(): string { return this._title; }
  setTitle(title: string): unknown { this._title = String(title); return this._proxy; }
  getWidth(): number | null { return this._width; }
  setWidth(width: number): unknown { this._width = Number(width); return this._proxy; }
  getHeight(): number | null { return this._height; }
  setHeight(height: number): unknown { this._height = Number(height); return this._proxy; }
  setSandboxMode(mode: string): unknown { this._sandboxMode = String(mode); return this._proxy; }
  setXFrameOptionsMode(mode: string): unknown { this._xFrameOptionsMode = String(mode); return this._proxy; }
  setFaviconUrl(url: string): unknown { this._faviconUrl = String(url); return this._proxy; }
  getFaviconUrl(): string | null { return this._faviconUrl; }
  addMetaTag(name: string, content: string): unknown { this._metaTags.push({ name, content }); return this._proxy; }
  getAs(): never { return fail(this._ctx, 'HtmlOutput.getAs is not supported offline'); }
}

export function makeHtmlOutput(ctx: ServiceContext, content: string): GoogleAppsScript.HTML.HtmlOutput {
  const impl = new HtmlOutputImpl(ctx, content);
  impl._proxy = expose(ctx, 'HtmlOutput', impl, { counted: false });
  return impl._proxy as GoogleAppsScript.HTML.HtmlOutput;
}

/** Compiles a template into JavaScript that returns its output, given its variables. */
export function compileTemplate(source: string): string {
  const parts: string[] = ['var __out = [];', 'with (__vars) {'];
  const re = /<\?(!?=)?([\s\S]*?)\?>/g;
  let last = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m.index > last) parts.push(`__out.push(${JSON.stringify(source.slice(last, m.index))});`);
    const code = m[2].trim();
    if (m[1] === '=') parts.push(`__out.push(__escape(${code}));`);
    else if (m[1] === '!=') parts.push(`__out.push(__raw(${code}));`);
    else parts.push(m[2]);
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(`__out.push(${JSON.stringify(source.slice(last))});`);
  parts.push('}', "return __out.join('');");
  return parts.join('\n');
}

class HtmlTemplateImpl {
  readonly _vars: Record<string, unknown> = {};
  constructor(private readonly _ctx: ServiceContext, private readonly _source: string) {}

  evaluate(): GoogleAppsScript.HTML.HtmlOutput {
    const body = compileTemplate(this._source);
    const wrapper = `(function (__vars, __escape, __raw) {\n${body}\n})`;
    // Scriptlets see the template's variables, then the bundle's globals (sloppy mode: `with`).
    const fn = (this._ctx.host.compileInBundle?.(wrapper) ?? (0, eval)(wrapper)) as (vars: unknown, esc: unknown, raw: unknown) => string;
    const toText = (v: unknown) => (v === undefined || v === null ? '' : String(v));
    const html = fn(this._vars, (v: unknown) => escapeHtml(toText(v)), toText);
    return makeHtmlOutput(this._ctx, html);
  }

  getCode(): string {
    return compileTemplate(this._source);
  }

  getRawContent(): string {
    return this._source;
  }
}

function makeTemplate(ctx: ServiceContext, source: string): GoogleAppsScript.HTML.HtmlTemplate {
  const impl = new HtmlTemplateImpl(ctx, source);
  return expose(ctx, 'HtmlTemplate', impl, { counted: false, vars: impl._vars });
}

/** Reads NAME or NAME.html from the dist folder, like Apps Script's project file lookup. */
function readProjectFile(ctx: ServiceContext, name: string): string {
  const dir = ctx.host.distDir;
  const candidates = name.endsWith('.html') ? [name] : [`${name}.html`, name];
  for (const candidate of candidates) {
    const file = path.join(dir, candidate);
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  return fail(ctx, `No HTML file named ${name} was found.`);
}

class HtmlServiceImpl {
  readonly SandboxMode: Record<string, string>;
  readonly XFrameOptionsMode: Record<string, string>;

  constructor(private readonly _ctx: ServiceContext) {
    this.SandboxMode = makeEnum(_ctx, 'SandboxMode', SANDBOX_MODES);
    this.XFrameOptionsMode = makeEnum(_ctx, 'XFrameOptionsMode', X_FRAME_OPTIONS_MODES);
  }

  createHtmlOutput(html?: unknown): GoogleAppsScript.HTML.HtmlOutput {
    return makeHtmlOutput(this._ctx, html === undefined ? '' : String(html));
  }

  createHtmlOutputFromFile(filename: string): GoogleAppsScript.HTML.HtmlOutput {
    return makeHtmlOutput(this._ctx, readProjectFile(this._ctx, String(filename)));
  }

  createTemplate(html: string): GoogleAppsScript.HTML.HtmlTemplate {
    return makeTemplate(this._ctx, String(html));
  }

  createTemplateFromFile(filename: string): GoogleAppsScript.HTML.HtmlTemplate {
    return makeTemplate(this._ctx, readProjectFile(this._ctx, String(filename)));
  }
}

export function makeHtmlService(ctx: ServiceContext): GoogleAppsScript.HTML.HtmlService {
  return expose(ctx, 'HtmlService', new HtmlServiceImpl(ctx), { data: true });
}
