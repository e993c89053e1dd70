/**
 * The local preview's HTTP server (node:http, bound to 127.0.0.1): the editor page, a JSON API
 * over one PreviewSession, and the add-on's own pages (the sidebar, dialogs) with
 * google.script.run bridged back to the session.
 *
 *   GET  /                         the editor page (grid, sheet tabs, Extensions menu, panels)
 *   GET  /preview.js, /preview.css the page's script and styles
 *   GET  /api/state                spreadsheet, sheets, active sheet, menus, latest event number
 *   GET  /api/events?after=N       toasts, sidebars, dialogs and errors after event N
 *   GET  /api/cells?sheet=S&row=R&rows=N[&col=C&cols=M]
 *                                  a window of cells (1-based; at most 500 rows): display value,
 *                                  formula, type, error message, bold, italic, fill and font
 *                                  colours (the cell's or a conditional format's), checkboxes
 *   GET  /api/charts?sheet=S       the sheet's charts: type, anchor, size, options and the current
 *                                  values of their ranges (see charts.ts)
 *   POST /api/cell                 {sheet, row, col, input}: type into a cell ("" clears)
 *   POST /api/activate             {sheet[, row, col]}: the active sheet and cell
 *   POST /api/menu                 {functionName, answers?}: click a menu item the add-on added
 *   POST /api/run                  {name, args, answers?}: a google.script.run call
 *   GET  /frame/<id>               the HTML of a sidebar or dialog, with google.script injected
 *
 * /api/menu and /api/run answer {outcome?, pending?, events, state}. `pending` is an alert or
 * prompt the code stopped at; posting again with `answers` (every answer so far, in order) runs
 * it again with those answers queued (see session.ts).
 *
 * POST bodies must be JSON (Content-Type: application/json) and the Host header must name this
 * server, so other web pages open in the browser cannot drive it.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Host } from '../host/index.ts';
import { DEFAULT_DIST_DIR } from '../host/index.ts';
import { pageAssets } from './assets.ts';
import type { PageAssets } from './assets.ts';
import { PreviewError, PreviewSession } from './session.ts';

export interface PreviewOptions {
  /** A leads export to show instead of the sample (.csv, .tsv, .txt, .xlsx, .xlsm; read with readLeadsFile, as the report reads it). */
  data?: string;
  /** Rows (header first) to show instead of the sample, in a sheet named "Leads". */
  rows?: unknown[][];
  /** Port to listen on; 0 or absent: a free port. */
  port?: number;
  /** The spreadsheet's time zone. Default America/New_York. */
  timeZone?: string;
  /** Seed of the generated sample leads. */
  seed?: number;
  /** Folder of the built add-on. Default dist/. */
  distDir?: string;
  /** Called with each Logger.log line of the add-on. */
  onLog?: (line: string) => void;
}

export interface Preview {
  url: string;
  host: Host;
  session: PreviewSession;
  close(): Promise<void>;
}

const MAX_BODY = 5 * 1024 * 1024;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'POST bodies must be application/json.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'Request body too large.');
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'The body is not a JSON object.');
  }
}

function str(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new HttpError(400, `${name} must be a string.`);
  return value;
}

function int(value: unknown, name: string, fallback?: number): number {
  if ((value === undefined || value === null || value === '') && fallback !== undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `${name} must be a whole number.`);
  return n;
}

function list(value: unknown, name: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new HttpError(400, `${name} must be an array.`);
  return value;
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The add-on's page with the preview's google.script injected before any of its own scripts. */
export function framePage(html: string, config: { id: number; kind: string; functions: string[] }, frameJs: string): string {
  const inject = `<script>window.__leadflowFrame=${scriptJson(config)};</script><script>${frameJs}</script>`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + inject + html.slice(head.index + head[0].length);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  if (doctype) return doctype[0] + inject + html.slice(doctype[0].length);
  return inject + html;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function createHandler(session: PreviewSession, assets: PageAssets, allowedHosts: () => Set<string>) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!allowedHosts().has(String(req.headers.host ?? '').toLowerCase())) {
      throw new HttpError(421, 'This preview only answers requests addressed to localhost.');
    }
    const route = `${req.method} ${url.pathname}`;
    const q = url.searchParams;
    switch (route) {
      case 'GET /':
      case 'GET /index.html': {
        const title = `${session.host.spreadsheet.getName()} – LeadFlow preview`;
        return send(res, 200, 'text/html; charset=utf-8', assets.html.replace('%TITLE%', escapeHtml(title)));
      }
      case 'GET /preview.js':
        return send(res, 200, 'text/javascript; charset=utf-8', assets.appJs);
      case 'GET /preview.css':
        return send(res, 200, 'text/css; charset=utf-8', assets.css);
      case 'GET /favicon.ico':
        res.writeHead(204).end();
        return;
      case 'GET /api/state':
        return json(res, 200, session.state());
      case 'GET /api/events':
        return json(res, 200, { events: session.eventsAfter(int(q.get('after'), 'after', 0)) });
      case 'GET /api/cells': {
        const sheet = str(q.get('sheet') ?? undefined, 'sheet');
        const row = Math.max(1, int(q.get('row'), 'row', 1));
        const rows = int(q.get('rows'), 'rows', 100);
        const col = Math.max(1, int(q.get('col'), 'col', 1));
        const cols = q.has('cols') ? int(q.get('cols'), 'cols') : undefined;
        return json(res, 200, session.cells(sheet, row, rows, col, cols));
      }
      case 'GET /api/charts':
        return json(res, 200, { charts: session.charts(str(q.get('sheet') ?? undefined, 'sheet')) });
      case 'POST /api/cell': {
        const body = await readJson(req);
        const result = session.setCell(str(body.sheet, 'sheet'), int(body.row, 'row'), int(body.col, 'col'), str(body.input, 'input'));
        return json(res, 200, result);
      }
      case 'POST /api/activate': {
        const body = await readJson(req);
        const row = body.row === undefined ? undefined : int(body.row, 'row');
        const col = body.col === undefined ? undefined : int(body.col, 'col');
        return json(res, 200, session.activate(str(body.sheet, 'sheet'), row, col));
      }
      case 'POST /api/menu': {
        const body = await readJson(req);
        return json(res, 200, session.menu(str(body.functionName, 'functionName'), list(body.answers, 'answers')));
      }
      case 'POST /api/run': {
        const body = await readJson(req);
        return json(res, 200, session.run(str(body.name, 'name'), list(body.args, 'args'), list(body.answers, 'answers')));
      }
      default: {
        const frame = /^GET \/frame\/(\d+)$/.exec(route);
        if (frame) {
          const record = session.frame(Number(frame[1]));
          if (!record) throw new HttpError(404, 'This sidebar or dialog is no longer open.');
          const page = framePage(record.html, { id: record.id, kind: record.kind, functions: session.functionNames() }, assets.frameJs);
          return send(res, 200, 'text/html; charset=utf-8', page);
        }
        throw new HttpError(404, `Not found: ${url.pathname}`);
      }
    }
  };
}

/** Builds the session (host, bundle, leads) and serves it on 127.0.0.1. */
export async function startPreview(opts: PreviewOptions = {}): Promise<Preview> {
  const distDir = opts.distDir ?? DEFAULT_DIST_DIR;
  if (!existsSync(path.join(distDir, 'Code.js'))) {
    throw new PreviewError(`There is no built add-on in ${distDir}: run "npm run build" first (npm start does it for you).`);
  }
  const [session, assets] = await Promise.all([
    PreviewSession.create({ data: opts.data, rows: opts.rows, timeZone: opts.timeZone, seed: opts.seed, distDir, onLog: opts.onLog }),
    pageAssets(),
  ]);
  let hosts = new Set<string>();
  const handler = createHandler(session, assets, () => hosts);
  const server = http.createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : e instanceof PreviewError ? 400 : 500;
      if (status === 500) console.error(e);
      if (!res.headersSent) json(res, status, { error: (e as Error)?.message ?? String(e) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    host: session.host,
    session,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
