/**
 * The build dialog: choose what the new sheet covers, then build it. It reads the setup and the
 * leads through google.script.run (leadflowBuildData), plans the sheet here with src/core/report
 * (so the formula templates stay out of the Apps Script bundle), and has the server write it
 * (leadflowBuild). Every value is shown with textContent, errors in place; it closes once built.
 */
import { BuildData, BuildRequest, ChecklistRequest, FlowRequest, FunnelRequest, Kind, planBuild } from '../../core/report';

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

async function build(e: Event): Promise<void> {
  e.preventDefault();
  say('error', '');
  const r = request();
  if (!r) return;
  const button = $<HTMLButtonElement>('build');
  button.disabled = true;
  try {
    say('source', 'Reading the leads and the setup…');
    const data = await call<BuildData>('leadflowBuildData', {});
    const earlier = data.builtSheets && data.builtSheets[kind];
    const replace = earlier ? await confirmReplace(earlier) : undefined;
    if (replace === false) {
      say('source', `Nothing changed: "${earlier}" was kept as it is.`);
      return;
    }
    say('source', `Building from ${data.rows.length} rows of "${data.setup.leads.sheet}"…`);
    // The server does not need the values the plan computed (Sheets computes its own): leave them out of the call.
    const plan = planBuild(data, r);
    const result = await call<BuildResult>('leadflowBuild', { plan: { ...plan, values: [] }, replace });
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

function start(): void {
  recentPeriods();
  syncCohort();
  $(kind === 'funnel' ? 'cohort' : kind === 'flow' ? 'period' : 'leads').focus();
}

$('cohort').addEventListener('change', syncCohort);
$('leads').addEventListener('change', syncCohort);
$('form').addEventListener('submit', (e) => void build(e));
$('cancel').addEventListener('click', () => google.script.host.close());
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') google.script.host.close();
});
start();
