// Builds dist/ exactly as clasp pushes it (.clasp.json: rootDir "dist"):
//   dist/Code.js         the server bundle + generated top-level functions Apps Script can see
//   dist/<Page>.html     each page of src/pages (the sidebar, dialogs), one self-contained HTML file
//   dist/appsscript.json the manifest
// and regenerates the README's function reference from the same registry.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import vm from 'node:vm';
import ts from 'typescript';

const DIST = 'dist';
const GLOBAL = 'LeadFlow';
/** Apps Script's V8 runtime parses ES2019 reliably; newer syntax (?., ??, class fields) is lowered. */
const APPS_SCRIPT_TARGET = 'es2019';

/**
 * Bundle the server code as one IIFE assigned to a single global. Apps Script concatenates files
 * into one global scope and cannot load ES modules, so everything hides behind `LeadFlow`.
 * Minified: Sheets loads the whole script for every custom-function call, and the names users
 * see live in the generated wrappers below, which stay readable.
 */
async function bundleServer() {
  const result = await esbuild.build({
    plugins: [stripRegistryDocs],
    entryPoints: ['src/server/index.ts'],
    bundle: true,
    format: 'iife',
    globalName: GLOBAL,
    target: APPS_SCRIPT_TARGET,
    platform: 'neutral',
    treeShaking: true,
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
  });
  return localizeHotGlobals(result.outputFiles[0].text);
}

/**
 * Globals the bundle reads in its loops (Math.floor, Number.isNaN, Date.UTC, new Float64Array...),
 * handed to the bundle's function as parameters: inside it they are then local names. In a
 * node:vm context, where the offline host and the tests load the bundle, every global lookup goes
 * through the context's interceptor, which made a million-row NETLEADFLOW ten times slower than
 * the same code outside a vm; in Apps Script the change costs nothing.
 */
const HOT_GLOBALS = ['Math', 'Date', 'Number', 'Object', 'Array', 'Map', 'Set', 'String', 'Intl', 'JSON', 'RegExp', 'Error', 'TypeError', 'RangeError',
  'Float64Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint32Array', 'Symbol', 'Reflect', 'isNaN', 'parseFloat', 'parseInt', 'NaN', 'Infinity'];

function localizeHotGlobals(bundle) {
  const head = `var ${GLOBAL}=(()=>{`;
  const tail = '})();';
  const at = bundle.indexOf(head);
  const end = bundle.lastIndexOf(tail);
  if (at < 0 || end < at) throw new Error(`The bundle does not have the shape "${head}…${tail}" that localizeHotGlobals expects.`);
  const body = bundle.slice(at + head.length, end);
  const names = globalsUsedIn(body).join(',');
  return `${bundle.slice(0, at)}var ${GLOBAL}=((${names})=>{${body}})(${names});${bundle.slice(end + tail.length)}`;
}

/**
 * The hot globals the bundle's code names: a name it never uses would cost its bytes twice (as a
 * parameter and as an argument) in a script every custom-function call loads. A name met only in a
 * string is passed anyway, which costs those bytes and nothing else.
 */
function globalsUsedIn(body) {
  return HOT_GLOBALS.filter((name) => new RegExp(`(^|[^\\w$.])${name}(?![\\w$])`).test(body));
}

/** Text fields of the registry that only the generated JSDoc and README need. */
const DOC_FIELDS = new Set(['description', 'sample', 'returns', 'example']);

/**
 * The Apps Script bundle leaves the registry's documentation out (about 8 KB): Sheets reads the
 * descriptions from the generated JSDoc, and every custom-function call loads the whole script,
 * so the text would only cost load time. The TypeScript compiler removes those properties from
 * the registry's object literals; names, kinds and the code stay.
 */
const stripRegistryDocs = {
  name: 'strip-registry-docs',
  setup(b) {
    b.onLoad({ filter: /src[\\/]functions[\\/]registry\.ts$/ }, (args) => {
      const source = ts.createSourceFile(args.path, readFileSync(args.path, 'utf8'), ts.ScriptTarget.ES2020, true);
      const drop = (ctx) => (root) => {
        const visit = (node) => {
          if (ts.isObjectLiteralExpression(node)) {
            const kept = node.properties.filter((p) => !(ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && DOC_FIELDS.has(p.name.text)));
            return ts.factory.updateObjectLiteralExpression(node, ts.visitNodes(ts.factory.createNodeArray(kept), visit));
          }
          return ts.visitEachChild(node, visit, ctx);
        };
        return ts.visitNode(root, visit);
      };
      const out = ts.transform(source, [drop]).transformed[0];
      return { contents: ts.createPrinter().printFile(out), loader: 'ts' };
    });
  },
};

/**
 * The registry with its documentation, for the JSDoc and the README: the same TypeScript module,
 * bundled for Node and imported here.
 */
async function readRegistry() {
  const result = await esbuild.build({
    entryPoints: ['src/functions/registry.ts'],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
  });
  const url = `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`;
  const mod = await import(url);
  return JSON.parse(JSON.stringify(mod.registryMetadata()));
}

/**
 * Read the entry points (custom functions, triggers, menu handlers, sidebar calls) from the bundle
 * itself, in a vm where no Apps Script service exists: a bundle whose top level touches a service
 * fails here, and no wrapper can point at a function the bundle does not have.
 */
function readEntryPoints(bundle) {
  const context = vm.createContext({});
  new vm.Script(`${bundle}\n;globalThis.__entry = ${GLOBAL};`).runInContext(context);
  const entry = context.__entry;
  return {
    customFunctions: entry.registry.map((spec) => spec.name),
    triggers: Object.keys(entry.triggers),
    menuHandlers: Object.keys(entry.menuHandlers),
    sidebarCalls: Object.keys(entry.sidebarCalls),
  };
}

/** JSDoc lines must not end the comment early or carry raw newlines. */
const jsdocText = (s) => s.replace(/\*\//g, '* /').replace(/\s+/g, ' ').trim();

/**
 * One top-level declaration per custom function, with the JSDoc block Sheets reads for
 * autocomplete directly above it: description, one @param per argument, @return, @customfunction.
 */
function customFunctionWrapper(spec) {
  const names = spec.params.map((p) => p.name);
  const lines = [
    '/**',
    ` * ${jsdocText(spec.description)}`,
    ' *',
    ...spec.params.map((p) => ` * @param {${jsdocText(p.sample)}} ${p.name} ${jsdocText(p.description)}`),
    ` * @return ${jsdocText(spec.returns)}`,
    ' * @customfunction',
    ' */',
    `function ${spec.name}(${names.join(', ')}) {`,
    // Every argument given, not only the declared ones: a formula with one too many must be told so.
    // (Spread rather than Array.prototype.slice.call: the same array, 22 bytes less per function.)
    `  return ${GLOBAL}.customFunction(${JSON.stringify(spec.name)}, [...arguments]);`,
    '}',
  ];
  return lines.join('\n');
}

/** Triggers, menu handlers and sidebar calls: plain forwarding declarations. */
function forwardingWrapper(group, name, params) {
  return `function ${name}(${params}) {\n  return ${GLOBAL}.${group}.${name}(${params});\n}`;
}

function generateWrappers(entry) {
  return [
    '// ---- Generated by build.mjs from the registry: the functions Apps Script and Sheets see. ----',
    ...entry.registry.map(customFunctionWrapper),
    ...entry.triggers.map((n) => forwardingWrapper('triggers', n, 'e')),
    ...entry.menuHandlers.map((n) => forwardingWrapper('menuHandlers', n, '')),
    ...entry.sidebarCalls.map((n) => forwardingWrapper('sidebarCalls', n, 'request')),
  ].join('\n\n');
}

/**
 * Each page under src/pages/<name>/ (index.html, main.ts, styles.css) becomes one self-contained
 * dist/<Name>.html: Apps Script serves HTML files only, and HtmlService pages cannot load our
 * scripts or styles from elsewhere, so both are inlined. src/pages/shared/addon.css (the add-on
 * look) comes first in every page.
 */
async function buildPages() {
  const shared = existsSync('src/pages/shared/addon.css') ? readFileSync('src/pages/shared/addon.css', 'utf8') : '';
  const names = readdirSync('src/pages', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`src/pages/${d.name}/index.html`))
    .map((d) => d.name);
  for (const name of names) {
    const dir = `src/pages/${name}`;
    const js = await esbuild.build({
      entryPoints: [`${dir}/main.ts`],
      bundle: true,
      format: 'iife',
      target: 'es2019',
      platform: 'browser',
      minify: true,
      legalComments: 'none',
      write: false,
    });
    const template = readFileSync(`${dir}/index.html`, 'utf8');
    const css = shared + (existsSync(`${dir}/styles.css`) ? readFileSync(`${dir}/styles.css`, 'utf8') : '');
    const script = js.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
    const html = template.replace('/*INLINE_CSS*/', () => css).replace('/*INLINE_JS*/', () => script);
    writeFileSync(`${DIST}/${pageFileName(name)}.html`, html);
  }
  return names.map(pageFileName);
}

/** "sidebar" → "Sidebar", "build-dialog" → "BuildDialog": the name HtmlService.createHtmlOutputFromFile takes. */
function pageFileName(dir) {
  return dir.replace(/(^|-)(\w)/g, (_m, _d, c) => c.toUpperCase());
}

/** Function reference for the README, between markers, from the same registry. */
export function functionReference(registry) {
  const out = [];
  for (const spec of registry) {
    const sig = spec.params.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(', ');
    out.push(`### ${spec.name}(${sig})`, '', spec.description, '');
    out.push('| Argument | What to pass |', '| --- | --- |');
    for (const p of spec.params) out.push(`| \`${p.name}\` | ${p.description.replace(/\|/g, '\\|')} |`);
    out.push('', `Returns: ${spec.returns}`, '', `Example: \`${spec.example.formula}\` → ${spec.example.result}`, '');
  }
  return out.join('\n');
}

const REF_START = '<!-- functions:start (generated by build.mjs from src/functions/registry.ts) -->';
const REF_END = '<!-- functions:end -->';

function updateReadme(registry) {
  if (!existsSync('README.md')) return;
  const readme = readFileSync('README.md', 'utf8');
  const a = readme.indexOf(REF_START);
  const b = readme.indexOf(REF_END);
  if (a < 0 || b < a) return;
  const next = `${readme.slice(0, a + REF_START.length)}\n\n${functionReference(registry)}\n${readme.slice(b)}`;
  if (next !== readme) writeFileSync('README.md', next);
}

export async function build() {
  mkdirSync(DIST, { recursive: true });
  const bundle = await bundleServer();
  const entry = { ...readEntryPoints(bundle), registry: await readRegistry() };
  const missing = entry.registry.filter((spec) => !entry.customFunctions.includes(spec.name));
  if (missing.length) throw new Error(`The bundle lacks custom functions ${missing.map((s) => s.name).join(', ')}`);
  writeFileSync(`${DIST}/Code.js`, `${bundle}\n${generateWrappers(entry)}\n`);
  await buildPages();
  copyFileSync('appsscript.json', `${DIST}/appsscript.json`);
  updateReadme(entry.registry);
  return entry;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  const entry = await build();
  const size = readFileSync(`${DIST}/Code.js`).length;
  console.log(`built dist/ in ${Date.now() - t0} ms: Code.js ${(size / 1024).toFixed(1)} KB, ${entry.registry.length} custom functions`);
}
