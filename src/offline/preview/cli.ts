/**
 * `npm start [-- options]`: serves the local preview and prints its address.
 *
 *   --data <file>                  show your own export (.csv, .tsv, .txt, .xlsx, .xlsm: what
 *                                  `leadflow report` reads) instead of the generated sample
 *   --port <n>                     listen on this port (default: a free one)
 *   --time-zone <Area/City>        the spreadsheet's time zone (default America/New_York)
 *   --seed <n>                     seed of the generated sample (default 42)
 *   --open / --no-open             open a browser (default: only in an interactive terminal, never in CI)
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { LeadsFileError } from '../files/index.ts';
import { startPreview } from './server.ts';
import { PreviewError } from './session.ts';

export const USAGE = `Usage: npm start [-- --data leads.csv|.tsv|.txt|.xlsx|.xlsm] [--port N] [--time-zone Area/City] [--seed N] [--no-open]

Serves a local preview of the LeadFlow add-on: a sample leads spreadsheet (or your own export),
the Extensions ▸ LeadFlow menu, the sidebar and dialogs, and formulas computed as you type them.`;

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open: the address is printed anyway.
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        'time-zone': { type: 'string' },
        seed: { type: 'string' },
        open: { type: 'boolean' },
        'no-open': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const port = v.port === undefined ? undefined : Number(v.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    console.error(`--port must be a port number (0-65535), not "${v.port}".`);
    return 2;
  }
  const seed = v.seed === undefined ? undefined : Number(v.seed);
  if (seed !== undefined && !Number.isInteger(seed)) {
    console.error(`--seed must be a whole number, not "${v.seed}".`);
    return 2;
  }
  if (v.data) console.log(`Reading ${v.data}…`);
  let preview;
  try {
    preview = await startPreview({
      data: v.data,
      port,
      timeZone: v['time-zone'],
      seed,
      onLog: (line) => console.log(`[Logger] ${line}`),
    });
  } catch (e) {
    if (e instanceof LeadsFileError || e instanceof PreviewError) {
      console.error(`Cannot start the preview: ${e.message}`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Port ${port} is already in use: choose another with --port, or leave it out for a free one.`);
      return 1;
    }
    throw e;
  }
  const sheets = preview.host.spreadsheet.getSheets();
  const leads = Math.max(0, sheets[0].getLastRow() - 1);
  console.log(`LeadFlow preview of ${v.data ?? 'generated sample leads'} (${leads.toLocaleString('en-US')} lead${leads === 1 ? '' : 's'}, ${preview.host.spreadsheet.getSpreadsheetTimeZone()})`);
  console.log(`Open ${preview.url}`);
  console.log('Press Ctrl+C to stop.');
  const interactive = process.stdout.isTTY && !process.env.CI;
  if (v.open || (interactive && !v['no-open'] && v.open !== false)) openBrowser(preview.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await preview.close();
  return 0;
}
