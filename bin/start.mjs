#!/usr/bin/env node
// `npm start [-- options]`: builds dist/ (build.mjs), then serves the local preview, in this one
// node process (options: src/offline/preview/cli.ts). Run from the project's folder, as npm does.
import { readFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';
import { build } from '../build.mjs';

/**
 * Stops the preview when npm is told to stop. npm passes SIGINT and SIGTERM on to the shell it
 * runs the script in (sh -c "node bin/start.mjs"), and Debian's and Ubuntu's sh (dash) neither
 * becomes node, as bash and macOS's sh do, nor passes the signal on: `kill <npm's pid>` left the
 * server running. SIGTERM kills that shell, so this process's parent changes. SIGINT the shell
 * catches and waits for us; on Linux it is seen waking up (its context switches in /proc) while
 * we were not stopped and continued ourselves (which wakes it too). Either way we stop as if
 * signalled: the preview closes its server and exits.
 */
function stopWithNpm() {
  if (!process.env.npm_lifecycle_event || process.platform === 'win32') return;
  const parent = process.ppid;
  const wakes = () => {
    try {
      return Number(/^voluntary_ctxt_switches:\s*(\d+)/m.exec(readFileSync(`/proc/${parent}/status`, 'utf8'))?.[1]);
    } catch {
      return Number.NaN;
    }
  };
  let comm = '';
  try {
    comm = readFileSync(`/proc/${parent}/comm`, 'utf8').trim();
  } catch {
    // Not Linux: only the parent's death is watched.
  }
  const shell = comm === 'sh' || comm === 'dash';
  let seen = shell ? wakes() : Number.NaN;
  let last = Date.now();
  const watch = setInterval(() => {
    const now = Date.now();
    // Ticks far apart: this process was stopped (Ctrl+Z) and continued, which woke the shell.
    const resumed = now - last > 1_000;
    last = now;
    const count = shell ? wakes() : Number.NaN;
    const woke = count !== seen && !resumed && !Number.isNaN(count) && !Number.isNaN(seen);
    seen = count;
    if (process.ppid === parent && !woke) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 200);
  watch.unref();
}

const started = Date.now();
try {
  const entry = await build();
  console.log(`Built dist/ in ${Date.now() - started} ms (${entry.registry.length} custom functions).`);
} catch (e) {
  console.error(`The build failed, so there is no add-on to preview:\n${e?.stack ?? e}`);
  process.exit(1);
}
stopWithNpm();
register();
const { main } = await import('../src/offline/preview/cli.ts');
process.exit(await main(process.argv.slice(2)));
