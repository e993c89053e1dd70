/**
 * The preview page's own files, built once when the server starts: page/main.ts (the editor:
 * grid, menus, panels, and the charts, drawn with chart.js from node_modules: the page loads
 * nothing from elsewhere) and page/frame.ts (google.script.run for the add-on's pages) bundled
 * with esbuild, page/index.html and page/styles.css read as they are.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

export interface PageAssets {
  html: string;
  css: string;
  appJs: string;
  frameJs: string;
}

async function bundle(entry: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [`${PAGE_DIR}${entry}`],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    minify: false,
    // The editor page gets a source map for debugging; the script inlined in add-on pages stays small.
    sourcemap: entry === 'main.ts' ? 'inline' : false,
    // chart.js's licence notice stays with its code in the editor page.
    legalComments: entry === 'main.ts' ? 'inline' : 'none',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

let cached: Promise<PageAssets> | undefined;

export function pageAssets(): Promise<PageAssets> {
  cached ??= (async () => {
    const [appJs, frameJs] = await Promise.all([bundle('main.ts'), bundle('frame.ts')]);
    return {
      html: readFileSync(`${PAGE_DIR}index.html`, 'utf8'),
      css: readFileSync(`${PAGE_DIR}styles.css`, 'utf8'),
      appJs,
      // Inlined into every add-on page: it must not end their <script> early.
      frameJs: appJsSafe(frameJs),
    };
  })();
  cached.catch(() => { cached = undefined; });
  return cached;
}

function appJsSafe(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}
