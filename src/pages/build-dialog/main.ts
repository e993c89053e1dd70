/**
 * The build dialog: choose what the new sheet covers, then build it. It reads the setup and the
 * leads through google.script.run (leadflowBuildData) as it opens, plans the sheet here with
 * src/core/report (so the formula templates stay out of the Apps Script bundle), and has the
 * server write it (leadflowBuild). Every value is shown with textContent, errors in place; it
 * closes once built. The funnel and flow dialogs also show their report as BigQuery SQL ("Use in
 * BigQuery"), written here from the data read as the dialog opened: no server call, no scope.
 */
import { BuildData, BuildRequest, ChecklistRequest, CohortKind, FlowRequest, FunnelRequest, Kind, forSheets, planBuild, withSetup } from '../../core/report';
import { BigQueryChoices, DateStorage, DialogChoices, NameStyle, panelSql, snakeCase } from './bigquery';

interface BuildResult {
  ok: boolean;
  cancelled?: boolean;
  sheetName?: string;
  notes: string[];
}

declare const google: { script: { run: any; host: { close(): void } } };

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(`bd-${id}`) as T;
const value = (id: string) => $<HTMLInputElement | HTMLSelectElement>(id).value;
const show = (id: string, on: boolean) => { $(id).hidden = !on; };

function call<T>(name: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    google.script.run.withSuccessHandler(resolve).withFailureHandler(reject)[name](request);
  });
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String((e as { message?: string })?.message ?? e));

function say(id: string, text: string): void {
  $(id).textContent = text;
  show(id, text !== '');
}

const kind = (document.body.dataset.kind as Kind) || 'funnel';
const TEXT: Record<Kind, [string, string]> = {
  funnel: ['Build a funnel sheet', 'How many leads reached each stage, the conversion between stages, pipeline value and time between stages, by source and by arrival month.'],
  flow: ['Build a net lead flow sheet', 'New leads minus the ones disqualified, lost or gone quiet, per week or month and per lead source.'],
  checklist: ['Build a checklist sheet', 'A lead-quality review of comparable leads, the review checklist, and a qualification checklist with a live score per lead.'],
};
$('title').textContent = TEXT[kind][0];
$('intro').textContent = TEXT[kind][1];
show(kind, true);

function fill(id: string, items: string[]): void {
  const select = $<HTMLSelectElement>(id);
  select.replaceChildren(...items.map((t) => new Option(t, t)));
}

function syncCohort(): void {
  const c = value('cohort');
  show('quarter-row', c === 'quarter');
  show('month-row', c === 'month');
  show('range-row', c === 'range');
  show('days-row', value('leads') === 'recent');
}

function request(): BuildRequest | undefined {
  for (const id of ['start', 'end', 'days']) $(id).removeAttribute('aria-invalid');
  const bad = (id: string, text: string) => {
    $(id).setAttribute('aria-invalid', 'true');
    $(id).focus();
    say('error', text);
    return undefined;
  };
  if (kind === 'funnel') {
    const cohort = value('cohort');
    if (cohort === 'range') {
      if (!value('start')) return bad('start', 'Choose the first day of the range.');
      if (!value('end')) return bad('end', 'Choose the last day of the range.');
      if (value('end') < value('start')) return bad('end', 'The last day comes before the first day.');
    }
    return { kind, cohort: cohort as FunnelRequest['cohort'], value: cohort === 'quarter' ? value('quarter') : cohort === 'month' ? value('month') : undefined,
      start: value('start'), end: value('end'), split: value('split') as FunnelRequest['split'] };
  }
  if (kind === 'flow') return { kind, period: value('period') as FlowRequest['period'] };
  const days = Number(value('days'));
  if (value('leads') === 'recent' && !(days >= 1 && days <= 3650)) return bad('days', 'Give a number of days between 1 and 3650.');
  return { kind, leads: value('leads') as ChecklistRequest['leads'], days, period: value('review') as ChecklistRequest['period'] };
}

/** Data read this long ago is still used for a build; older, the build reads the leads again. */
const FRESH_MS = 60_000;

/** The latest read of the setup and the leads, with the setup the build uses (withSetup, proposed once). */
let latest: { at: number; promise: Promise<BuildData> } | undefined;

/** Reads the setup and the leads (leadflowBuildData); the BigQuery panel follows each read that succeeds. */
function readData(): Promise<BuildData> {
  const promise = call<BuildData>('leadflowBuildData', {}).then((data) => withSetup(data));
  const read = { at: Date.now(), promise };
  latest = read;
  promise.then((data) => bigQuery.setData(data), (err) => {
    if (latest === read) latest = undefined;
    bigQuery.setData(undefined, messageOf(err));
  });
  return promise;
}

/** The data for a build: the read made as the dialog opened while it is fresh, else a new read. */
const dataForBuild = () => (latest && Date.now() - latest.at < FRESH_MS ? latest.promise : readData());

async function build(e: Event): Promise<void> {
  e.preventDefault();
  say('error', '');
  const r = request();
  if (!r) return;
  const button = $<HTMLButtonElement>('build');
  button.disabled = true;
  try {
    say('source', 'Reading the leads and the setup…');
    const data = await dataForBuild();
    const earlier = data.builtSheets && data.builtSheets[kind];
    const replace = earlier ? await confirmReplace(earlier) : undefined;
    if (replace === false) {
      say('source', `Nothing changed: "${earlier}" was kept as it is.`);
      return;
    }
    say('source', `Building from ${data.rows.length} rows of "${data.setup.leads.sheet}"…`);
    // The server does not need the values the plan computed (Sheets computes its own): leave them out of the call.
    const plan = planBuild(data, r);
    const result = await call<BuildResult>('leadflowBuild', { plan: forSheets(plan), replace });
    if (result.ok) {
      google.script.host.close();
      return;
    }
    say('source', result.cancelled ? `Nothing changed: "${result.sheetName}" was kept as it is.` : '');
  } catch (err) {
    say('error', messageOf(err));
    say('source', '');
  } finally {
    button.disabled = false;
  }
}

/** Asks in the dialog whether to replace a sheet built earlier; resolves with the answer. */
function confirmReplace(sheetName: string): Promise<boolean> {
  say('confirm-text', `LeadFlow built "${sheetName}" earlier. Build it again from the current leads and setup? Only that sheet changes.`);
  show('confirm', true);
  say('source', '');
  $('confirm-yes').focus();
  return new Promise((resolve) => {
    const answer = (yes: boolean) => () => {
      show('confirm', false);
      $('confirm-yes').onclick = null;
      $('confirm-no').onclick = null;
      resolve(yes);
    };
    $('confirm-yes').onclick = answer(true);
    $('confirm-no').onclick = answer(false);
  });
}

/** Quarters and months to offer, newest first, from the last two years up to today. */
function recentPeriods(): void {
  const now = new Date();
  const y = now.getFullYear();
  const m = now.getMonth();
  const pad = (n: number) => String(n).padStart(2, '0');
  fill('quarter', Array.from({ length: 9 }, (_, i) => {
    const q = Math.floor(m / 3) - i + 12;
    return `${y - 3 + Math.floor(q / 4)}-Q${(q % 4) + 1}`;
  }));
  fill('month', Array.from({ length: 25 }, (_, i) => {
    const d = new Date(y, m - i, 1);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
  }));
}

// ---- Use in BigQuery -------------------------------------------------------------------------

/** What the panel remembers between dialogs (localStorage, when the page may use it). */
interface Remembered {
  table: string;
  names: NameStyle;
  dates: DateStorage;
  query: string;
  open: boolean;
}

const STORE_KEY = 'leadflow.bigquery';

function recall(): Partial<Remembered> {
  try {
    const raw = window.localStorage.getItem(STORE_KEY);
    const v = raw ? JSON.parse(raw) : {};
    if (!v || typeof v !== 'object') return {};
    return {
      table: typeof v.table === 'string' ? v.table.slice(0, 1100) : undefined,
      names: v.names === 'snake' || v.names === 'headers' ? v.names : undefined,
      dates: v.dates === 'wall' || v.dates === 'timestamp' ? v.dates : undefined,
      query: typeof v.query === 'string' ? v.query.slice(0, 40) : undefined,
      open: typeof v.open === 'boolean' ? v.open : undefined,
    };
  } catch {
    return {};
  }
}

function remember(v: Remembered): void {
  try {
    window.localStorage.setItem(STORE_KEY, JSON.stringify(v));
  } catch {
    // Storage blocked (a private window, third-party storage off): the choices last for this dialog.
  }
}

/**
 * The "Use in BigQuery" panel: the table, its column names and date kind, which query; the SQL
 * of the dialog's choices, rewritten as any of them changes, and a Copy button. It makes no
 * google.script.run call: it reads the data the dialog read as it opened.
 */
const bigQuery = (() => {
  const on = kind === 'funnel' || kind === 'flow';
  const panel = $<HTMLDetailsElement>('bq');
  const table = $<HTMLInputElement>('bq-table');
  const names = $<HTMLSelectElement>('bq-names');
  const dates = $<HTMLSelectElement>('bq-dates');
  const query = $<HTMLSelectElement>('bq-query');
  const sql = $<HTMLTextAreaElement>('bq-sql');
  let data: BuildData | undefined;
  let readError = '';
  /** The query asked for, kept while the list does not offer it (before the SQL is written). */
  let wanted = 'all';
  let listed = '';
  let typing: ReturnType<typeof setTimeout> | undefined;
  let copiedTimer: ReturnType<typeof setTimeout> | undefined;

  function choices(): BigQueryChoices {
    return { table: table.value, names: names.value as NameStyle, dates: dates.value as DateStorage, query: wanted };
  }

  function dialogChoices(): DialogChoices {
    if (kind === 'flow') return { kind, period: value('period') === 'week' ? 'week' : 'month' };
    const cohort = value('cohort') as CohortKind;
    return { kind: 'funnel', cohort, value: cohort === 'quarter' ? value('quarter') : cohort === 'month' ? value('month') : undefined, start: value('start'), end: value('end') };
  }

  function save(): void {
    remember({ ...choices(), open: panel.open });
  }

  function tableMessage(text: string, wrong: boolean): void {
    say('bq-table-msg', text);
    $('bq-table-msg').className = `field-msg${wrong ? ' error' : ' gray'}`;
    if (wrong) table.setAttribute('aria-invalid', 'true');
    else table.removeAttribute('aria-invalid');
  }

  function output(text: string, columns: string[]): void {
    sql.value = text;
    sql.scrollTop = 0;
    say('bq-columns', columns.length ? `Reads ${columns.length === 1 ? 'one column' : `${columns.length} columns`} of the table: ${columns.join(', ')}.` : '');
    show('bq-output', text !== '');
    if (!text) say('bq-copied', '');
  }

  function offer(queries: { name: string; title: string }[]): void {
    const key = JSON.stringify(queries);
    if (key !== listed) {
      listed = key;
      query.replaceChildren(new Option('Every query (for the BigQuery console)', 'all'), ...queries.map((q) => new Option(q.title, q.name)));
    }
    query.value = queries.some((q) => q.name === wanted) ? wanted : 'all';
  }

  /** The SQL of the current choices, or what stands in its way. */
  function refresh(): void {
    if (!on || !panel.open) return;
    if (!data) {
      tableMessage('', false);
      say('bq-status', readError ? `LeadFlow could not read the setup, so there is no SQL to show: ${readError}` : 'Reading the setup…');
      output('', []);
      return;
    }
    const r = panelSql(data, dialogChoices(), choices());
    if (r.ok) {
      tableMessage('', false);
      say('bq-status', '');
      offer(r.queries);
      output(r.sql, r.columns);
      return;
    }
    const empty = r.field === 'table' && table.value.trim() === '';
    tableMessage(r.field === 'table' ? r.message : '', r.field === 'table' && !empty);
    say('bq-status', r.field === 'table' ? '' : r.message);
    output('', []);
  }

  /** The column-name choice says what it does with this setup's own status header. */
  function exampleNames(): void {
    const header = data && (data.setup.columns.status || data.setup.columns.arrived);
    names.options[0].textContent = header ? `As the sheet's headers (${header})` : "As the sheet's headers";
    names.options[1].textContent = header ? `snake_case (${snakeCase(header)})` : 'snake_case';
  }

  async function copy(): Promise<void> {
    const text = sql.value;
    if (!text) return;
    let done = false;
    try {
      if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
        await navigator.clipboard.writeText(text);
        done = true;
      }
    } catch {
      done = false;
    }
    if (!done) {
      // The frame may not be allowed the clipboard API: select the text and copy it the older way.
      sql.focus();
      sql.select();
      try {
        done = document.execCommand('copy');
      } catch {
        done = false;
      }
    }
    say('bq-copied', done ? 'Copied' : 'Press Ctrl+C (⌘C on a Mac) to copy: the SQL is selected.');
    if (done) $('bq-copy').focus();
    clearTimeout(copiedTimer);
    if (done) copiedTimer = setTimeout(() => say('bq-copied', ''), 2500);
  }

  function init(): void {
    if (!on) return;
    const r = recall();
    table.value = r.table ?? '';
    names.value = r.names ?? 'headers';
    dates.value = r.dates ?? 'timestamp';
    wanted = r.query ?? 'all';
    panel.open = r.open ?? false;
    show('bq', true);
    panel.addEventListener('toggle', () => {
      save();
      refresh();
    });
    // Opened by the person (a click, or Enter on the summary): bring the panel into view, below the fold of a short dialog.
    panel.querySelector('summary')!.addEventListener('click', () => setTimeout(() => {
      if (panel.open) panel.scrollIntoView({ block: 'start' });
    }, 0));
    table.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(refresh, 400);
      save();
    });
    table.addEventListener('change', () => {
      clearTimeout(typing);
      refresh();
    });
    // Enter in the table field writes the SQL; it does not build the sheet.
    table.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(typing);
        refresh();
      }
    });
    for (const select of [names, dates]) select.addEventListener('change', () => { save(); refresh(); });
    query.addEventListener('change', () => {
      wanted = query.value;
      save();
      refresh();
    });
    for (const id of ['cohort', 'quarter', 'month', 'start', 'end', 'period']) {
      $(id).addEventListener('change', refresh);
      $(id).addEventListener('input', refresh);
    }
    $('bq-copy').addEventListener('click', () => void copy());
    refresh();
  }

  return {
    init,
    /** The data the dialog read (or why it could not): the panel writes its SQL from it. */
    setData(next: BuildData | undefined, error = ''): void {
      if (next) data = next;
      readError = next ? '' : error;
      exampleNames();
      refresh();
    },
  };
})();

function start(): void {
  recentPeriods();
  syncCohort();
  bigQuery.init();
  $(kind === 'funnel' ? 'cohort' : kind === 'flow' ? 'period' : 'leads').focus();
  // Read the setup and the leads now: the build uses them, and the BigQuery panel shows their SQL.
  void readData().catch(() => undefined);
}

$('cohort').addEventListener('change', syncCohort);
$('leads').addEventListener('change', syncCohort);
$('form').addEventListener('submit', (e) => void build(e));
$('cancel').addEventListener('click', () => google.script.host.close());
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') google.script.host.close();
});
start();
