/**
 * The LeadFlow setup sidebar: leads sheet and columns, pipeline stages and exits, qualification
 * rules, with live counts; Save validates with the same schema as the server (core/setup.ts,
 * bundled into this page) and writes in one call; Cancel closes without writing anything.
 *
 * A sheet nobody has set up gets a proposal, made here from the headers and the sample of rows
 * (core/detect, client code: the server guesses nothing). The first screen shows what was guessed
 * (columns that are guesses, where the pipeline came from, statuses placed by their words alone),
 * the leads whose status matches nothing, and date columns a spreadsheet read in the wrong day
 * order; one click confirms the guesses, and Save confirms what is shown.
 *
 * Everything the sheet or the user supplies is shown through textContent, .value or new Option()
 * (see dom.ts), never as HTML.
 */
import type { DayOrderMix } from '../../core/dayorder';
import { proposeSetup, type Pick, type StatusReading } from '../../core/detect';
import { describeRule, SCORING_PRESETS } from '../../core/scoring';
import {
  COLUMN_FIELDS, MARKUP, NUMERIC_OPERATORS, OPERATORS, Operator, Setup, SetupProblem, VALUELESS_OPERATORS, validateSetup,
} from '../../core/setup';
import { normalizeLabel } from '../../core/values';
import type { DayOrderRepair, SaveResult, SetupCheck, SetupState } from '../../server/setup';
import { byId, columnLetter, debounce, h, options, uniqueId } from './dom';
import { liveCounts, statusTallies, type LiveCounts } from './live';
import * as M from './model';

declare const google: {
  script: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    run: any;
    host: { close(): void };
  };
};

function call<T>(name: string, request?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    google.script.run.withSuccessHandler(resolve).withFailureHandler(reject)[name](request);
  });
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String((e as { message?: string })?.message ?? e));

// ---------------------------------------------------------------- state

let server: SetupState;
let draft: M.Draft;
/** The sheet and header row the headers, sample and preview were read from. */
let readFrom = { sheet: '', headerRow: 1 };
let problems: SetupProblem[] = [];
let busy = false;
/** Bumped on every edit: answers of leadflowCheckSetup for an older draft are dropped. */
let revision = 0;
let exact: { revision: number; check: SetupCheck } | undefined;
/** The server's status counts over the whole sheet, and which sheet and column they are of. */
let statusSource: { sheet: string; headerRow: number; column: string; list: M.StatusTally[] } = { sheet: '', headerRow: 1, column: '', list: [] };

/**
 * What LeadFlow proposed and the user has not confirmed yet (undefined once confirmed or saved,
 * or when the setup was not proposed). The first screen shows it; Save confirms it.
 */
interface Review {
  sheet: string;
  /** Guessed picks by the control they filled in (see M.applyProposal); a control the user changes leaves the list. */
  guesses: Map<M.GuessKey, Pick>;
  sure: Pick[];
  /** Where the pipeline came from, when the proposal's pipeline was taken. */
  from?: string;
  /** Statuses the pipeline places by their words alone (guesses). */
  words: StatusReading[];
  /** The pipeline is a CRM's own list (else it was built from the sheet's statuses). */
  crm: boolean;
  notes: string[];
}
let review: Review | undefined;
/** How many guesses the first screen shows. */
let shownGuesses = 0;
/** The pipeline as proposed: a sheet switch replaces an unsaved pipeline only while the user has not edited it. */
let proposedPipeline = '';
/** Statuses were not counted at some point: the first screen then says when all are. */
let hadUnmatched = false;
/** Date columns repaired in this session, to say so after the state is read again. */
const dayOrderDone: { letter: string; header: string; changed: number; keptIn: string }[] = [];

const fmt = (n: number) => n.toLocaleString('en-US');
const headers = () => server.headers;
const noHeaders = () => headers().every((x) => x.trim() === '');
const quoted = (s: string) => `“${s}”`;

function announce(text: string): void {
  const el = byId('lf-announce');
  el.textContent = '';
  // A fresh text node after a tick is announced even when the text repeats.
  setTimeout(() => { el.textContent = text; }, 30);
}

function progress(text: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const el = byId('lf-progress');
  el.textContent = text;
  el.className = `lf-progress lf-progress-${kind}`;
}

/** Re-renders with the focus kept on the element with the same data-key (and its caret). */
function keepingFocus(fn: () => void): void {
  const active = document.activeElement as HTMLElement | null;
  const key = active?.dataset?.key;
  const caret = active instanceof HTMLInputElement && active.type === 'text' ? [active.selectionStart, active.selectionEnd] : null;
  fn();
  if (!key) return;
  const next = document.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  if (next && next !== document.activeElement) {
    next.focus();
    if (caret && next instanceof HTMLInputElement) next.setSelectionRange(caret[0], caret[1]);
  }
}

function focusKey(key: string): void {
  document.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

// ---------------------------------------------------------------- sections

const SECTIONS = ['columns', 'pipeline', 'scoring'] as const;
type Section = (typeof SECTIONS)[number];

function sectionOfField(field: string): Section | undefined {
  if (field.startsWith('leads') || field.startsWith('columns')) return 'columns';
  if (field.startsWith('stages') || field.startsWith('exits') || field.startsWith('flow')) return 'pipeline';
  if (field.startsWith('scoring')) return 'scoring';
  return undefined;
}

function toggleOf(section: Section): HTMLButtonElement {
  return byId(`sec-${section}`).querySelector<HTMLButtonElement>('.lf-toggle')!;
}

function expand(section: Section, open = true): void {
  toggleOf(section).setAttribute('aria-expanded', String(open));
  byId(`sec-${section}-body`).hidden = !open;
}

function updateSummaries(): void {
  const mapped = M.COLUMN_KEYS.filter((k) => draft.columns[k]).length;
  const unmatched = M.unmatchedStatuses(draft, currentStatuses().list).length;
  const guesses = review?.guesses.size ?? 0;
  const summary: Record<Section, string> = {
    columns: `${draft.sheet} · ${mapped} of ${M.COLUMN_KEYS.length} mapped${guesses ? ` · ${guesses} guess${guesses === 1 ? '' : 'es'}` : ''}`,
    pipeline: `${draft.stages.length} stages · ${draft.exits.length} exits${unmatched ? ` · ${unmatched} unmatched` : ''}`,
    scoring: `${draft.rules.length} rule${draft.rules.length === 1 ? '' : 's'}`,
  };
  for (const s of SECTIONS) byId(`sec-${s}`).querySelector('.lf-summary')!.textContent = summary[s];
}

// ---------------------------------------------------------------- columns

function headerOptions(current: string, none: string): [string, string][] {
  const items: [string, string][] = [['', none]];
  headers().forEach((hd, i) => {
    if (hd.trim() !== '') items.push([hd, `${columnLetter(i)} · ${hd}`]);
  });
  if (current && !headers().some((hd) => hd === current)) items.push([current, `${current} (not in this sheet)`]);
  return items;
}

function renderSheetFields(): void {
  byId('lf-row-count').className = 'gray lf-small';
  const sheet = byId<HTMLSelectElement>('lf-sheet');
  const sheets = server.sheets.includes(draft.sheet) ? server.sheets : [...server.sheets, draft.sheet];
  options(sheet, sheets.map((s) => [s, s]), draft.sheet);
  byId<HTMLInputElement>('lf-header-row').value = String(draft.headerRow);
  byId('lf-row-count').textContent = noHeaders()
    ? `Row ${draft.headerRow} of "${draft.sheet}" is empty: pick the sheet and row that hold your column names.`
    : `${fmt(server.rowCount)} lead row${server.rowCount === 1 ? '' : 's'} below the header row.`;
}

/** The "guess" mark of a control LeadFlow filled in from a guess. */
function guessChip(key: string): HTMLElement | null {
  const pick = review?.guesses.get(key);
  return pick ? h('span', { class: 'lf-chip-guess', title: `A guess: ${pick.why}`, text: 'guess' }) : null;
}

/** The user chose a control's value: it is no longer a guess. */
function chosen(key: string, select: HTMLSelectElement): void {
  if (!review?.guesses.delete(key)) return;
  document.querySelector(`label[for="${CSS.escape(select.id)}"] .lf-chip-guess`)?.remove();
  renderReview();
}

function renderColumnFields(): void {
  const box = byId('lf-column-fields');
  const rows = M.COLUMN_KEYS.map((field) => {
    const id = `col-${field}`;
    const select = h('select', { id, 'data-field': `columns.${field}`, 'data-key': id });
    options(select, headerOptions(draft.columns[field], '(none)'), draft.columns[field]);
    select.addEventListener('change', () => {
      draft.columns[field] = select.value;
      chosen(id, select);
      if (field === 'status') renderUnmatched();
      renderPreview();
      edited();
    });
    return h('div', { class: 'form-group lf-field' }, h('label', { for: id }, COLUMN_FIELDS[field], guessChip(id)), select);
  });
  box.replaceChildren(...rows);
}

/** Per stage: the column holding the date a lead reached it, and a yes/no column saying it did. */
function renderStageDates(): void {
  const box = byId('lf-stage-dates');
  if (draft.stages.some((s) => s.dateColumn || s.flagColumn)) byId<HTMLDetailsElement>('lf-stage-dates-box').open = true;
  box.replaceChildren(...draft.stages.map((s) => {
    const pickerOf = (kind: 'date' | 'flag') => {
      const id = `${kind === 'date' ? 'sd' : 'sf'}-${s.id}`;
      const current = kind === 'date' ? s.dateColumn : s.flagColumn;
      const select = h('select', { id, 'data-field': `columns.${kind === 'date' ? 'stageDates' : 'stageFlags'}.${s.name}`, 'data-key': id });
      options(select, headerOptions(current, '(none)'), current);
      select.addEventListener('change', () => {
        if (kind === 'date') s.dateColumn = select.value;
        else s.flagColumn = select.value;
        chosen(id, select);
        renderPreview();
        edited();
      });
      return h('div', { class: 'form-group lf-field lf-grow' }, h('label', { for: id }, kind === 'date' ? 'Date reached' : 'Yes/no column', guessChip(id)), select);
    };
    return h('fieldset', { class: 'lf-stagecols' },
      h('legend', { class: 'lf-stagecols-name', text: s.name || '(unnamed stage)' }),
      h('div', { class: 'lf-row2' }, pickerOf('date'), pickerOf('flag')));
  }));
}

function renderPreview(): void {
  const box = byId('lf-preview');
  if (noHeaders()) {
    box.replaceChildren(h('p', { class: 'gray lf-small', text: 'No rows to show.' }));
    return;
  }
  const role = new Map<string, string>();
  for (const k of M.COLUMN_KEYS) if (draft.columns[k]) role.set(draft.columns[k], COLUMN_FIELDS[k]);
  for (const s of draft.stages) {
    if (s.dateColumn) role.set(s.dateColumn, `${s.name} date`);
    if (s.flagColumn) role.set(s.flagColumn, `Reached ${s.name}?`);
  }
  const head = h('tr', {}, headers().map((hd) => h('th', { scope: 'col', class: role.has(hd) ? 'lf-mapped' : undefined },
    role.has(hd) ? h('span', { class: 'lf-role', text: role.get(hd)! }) : null, hd)));
  const body = server.preview.map((r) => h('tr', {}, headers().map((_, i) => h('td', { text: r[i] ?? '' }))));
  box.replaceChildren(h('table', { class: 'lf-table' }, h('thead', {}, head), h('tbody', {}, body)));
}

async function reloadSheet(sheetName: string, headerRow: number): Promise<void> {
  if (busy) return;
  busy = true;
  const trigger = document.activeElement as HTMLElement | null;
  const body = byId('sec-columns-body');
  const status = byId('lf-row-count');
  body.setAttribute('aria-busy', 'true');
  status.className = 'gray lf-small';
  status.textContent = `Reading “${sheetName}”…`;
  try {
    const next = await call<SetupState>('leadflowSetupState', { sheetName, headerRow });
    server = { ...server, ...next, saved: server.saved, problems: server.problems };
    readData(next);
    hadUnmatched = false;
    draft.sheet = next.setup.leads.sheet;
    draft.headerRow = next.setup.leads.headerRow;
    exact = undefined;
    if (hasColumns(next.setup)) {
      // The saved setup's own sheet and header row: its columns come back as saved.
      review = undefined;
      const saved = M.draftFromSetup(next.setup);
      draft.columns = saved.columns;
      for (const s of draft.stages) {
        const same = saved.stages.find((x) => normalizeLabel(x.name) === normalizeLabel(s.name));
        s.dateColumn = same?.dateColumn ?? '';
        s.flagColumn = same?.flagColumn ?? '';
      }
    } else {
      // Another sheet's columns are proposed from its own headers and rows; an unsaved pipeline the
      // user has not touched is proposed again from its statuses, any other is kept.
      propose(next, !server.saved && M.pipelineKey(draft) === proposedPipeline);
    }
    keepingFocus(renderAll);
    announce(review
      ? `Read “${draft.sheet}”: ${fmt(next.rowCount)} lead rows. LeadFlow proposed its columns: check what it guessed at the top.`
      : `Read “${draft.sheet}”: ${fmt(next.rowCount)} lead rows.`);
    edited();
    checkStatuses();
  } catch (e) {
    renderSheetFields();
    status.className = 'error lf-small';
    status.textContent = `Could not read “${sheetName}”: ${errorText(e)}`;
  } finally {
    busy = false;
    body.removeAttribute('aria-busy');
    if (trigger && document.activeElement === document.body) trigger.focus();
  }
}

// ---------------------------------------------------------------- stages and exits

function chips(item: { name: string; aliases: string[] }, base: string, keyBase: string, rerender: () => void): HTMLElement {
  const list = h('ul', { class: 'lf-chips', 'aria-label': `Aliases of ${item.name || 'this entry'}`, 'data-label': 'Aliases of {}' }, item.aliases.map((a, j) => {
    const remove = h('button', {
      type: 'button', class: 'lf-chip-x', 'data-key': `${keyBase}-alias-${normalizeLabel(a)}`, 'aria-label': `Remove alias ${quoted(a)} of ${item.name}`,
      'data-label': `Remove alias ${quoted(a).replace(/\{\}/g, '')} of {}`, text: '×',
    });
    remove.addEventListener('click', () => {
      item.aliases.splice(j, 1);
      keepingFocus(rerender);
      focusKey(`${keyBase}-alias-input`);
      announce(`Alias ${quoted(a)} removed.`);
      edited();
    });
    return h('li', { class: 'lf-chip', 'data-field': `${base}.aliases.${j}`, 'data-error-slot': keyBase }, h('span', { class: 'lf-chip-text', text: a }), remove);
  }));
  const inputId = uniqueId('alias');
  const input = h('input', {
    type: 'text', id: inputId, class: 'lf-alias-input', placeholder: 'Another spelling…', 'data-key': `${keyBase}-alias-input`, autocomplete: 'off',
    'aria-label': `New alias for ${item.name}`, 'data-label': 'New alias for {}',
  });
  const add = () => {
    const added = M.addAliases(item, input.value);
    input.value = '';
    if (!added.length) return;
    keepingFocus(rerender);
    focusKey(`${keyBase}-alias-input`);
    announce(`${added.map(quoted).join(', ')} added as ${added.length === 1 ? 'an alias' : 'aliases'} of ${item.name}.`);
    edited();
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || (e.key === ',' && input.value.trim())) {
      e.preventDefault();
      add();
    }
  });
  const button = h('button', { type: 'button', class: 'lf-small-btn', 'data-key': `${keyBase}-alias-add`, text: 'Add' });
  button.addEventListener('click', add);
  return h('div', { class: 'lf-aliases' }, list,
    h('div', { class: 'lf-inline' }, input, button));
}

let dragId: number | null = null;

function renderStages(): void {
  const list = byId('lf-stages');
  const n = draft.stages.length;
  list.replaceChildren(...draft.stages.map((s, i) => {
    const key = `stage-${s.id}`;
    const nameId = `${key}-name`;
    const name = h('input', { type: 'text', id: nameId, class: 'lf-name', value: s.name, 'data-field': `stages.${i}.name`, 'data-key': nameId, 'data-error-slot': key, autocomplete: 'off' });
    name.addEventListener('input', () => {
      s.name = name.value;
      relabel(li, s.name);
      refreshStageDependents();
      edited();
    });
    const btn = (label: string, text: string, keySuffix: string, disabled: boolean, onClick: () => void) => {
      const b = h('button', { type: 'button', class: 'lf-icon', 'aria-label': label.replace('{}', s.name), title: label.replace('{}', s.name), 'data-label': label, text, 'data-key': `${key}-${keySuffix}`, disabled });
      b.addEventListener('click', onClick);
      return b;
    };
    const handle = h('span', { class: 'lf-handle', draggable: 'true', title: 'Drag to reorder', 'aria-hidden': 'true', text: '⋮⋮' });
    handle.addEventListener('dragstart', (e) => {
      dragId = s.id;
      e.dataTransfer?.setData('text/plain', String(s.id));
      if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer?.setDragImage(li, 12, 12);
      li.classList.add('lf-dragging');
    });
    handle.addEventListener('dragend', () => {
      dragId = null;
      list.querySelectorAll('.lf-dragging, .lf-drop-before, .lf-drop-after').forEach((el) => el.classList.remove('lf-dragging', 'lf-drop-before', 'lf-drop-after'));
    });
    const li = h('li', { class: 'lf-item', 'data-id': String(s.id) },
      h('div', { class: 'lf-item-row' },
        handle,
        h('label', { for: nameId, class: 'lf-sr-only', text: `Stage ${i + 1} name` }),
        name,
        btn('Move {} up', '↑', 'up', i === 0, () => moveStage(i, -1, `${key}-up`)),
        btn('Move {} down', '↓', 'down', i === n - 1, () => moveStage(i, 1, `${key}-down`)),
        btn('Delete stage {}', '✕', 'delete', false, () => deleteStage(i))),
      chips(s, `stages.${i}`, key, renderPipelineLists),
      h('div', { class: 'lf-errors', 'data-slot': key }));
    li.addEventListener('dragover', (e) => {
      if (dragId === null) return;
      e.preventDefault();
      const r = li.getBoundingClientRect();
      const after = e.clientY > r.top + r.height / 2;
      li.classList.toggle('lf-drop-after', after);
      li.classList.toggle('lf-drop-before', !after);
    });
    li.addEventListener('dragleave', () => li.classList.remove('lf-drop-before', 'lf-drop-after'));
    li.addEventListener('drop', (e) => {
      if (dragId === null) return;
      e.preventDefault();
      const r = li.getBoundingClientRect();
      const after = e.clientY > r.top + r.height / 2;
      const moved = draft.stages.find((x) => x.id === dragId)!;
      const at = M.moveStageTo(draft, dragId, i + (after ? 1 : 0));
      dragId = null;
      renderPipelineLists();
      refreshStageDependents();
      focusKey(`stage-${moved.id}-name`);
      announce(`${moved.name} moved to position ${at + 1} of ${draft.stages.length}.`);
      edited();
    });
    return li;
  }));
}

function moveStage(index: number, delta: number, keepKey?: string): void {
  const s = draft.stages[index];
  const to = M.moveStage(draft, index, delta);
  if (to === index) return;
  const active = (document.activeElement as HTMLElement | null)?.dataset?.key;
  renderPipelineLists();
  refreshStageDependents();
  // The same control of the moved stage keeps the focus; a move button that is now disabled hands it to the name.
  const want = keepKey ?? active ?? `stage-${s.id}-name`;
  const target = document.querySelector<HTMLElement>(`[data-key="${CSS.escape(want)}"]`);
  if (target && !(target as HTMLButtonElement).disabled) target.focus();
  else focusKey(`stage-${s.id}-name`);
  announce(`${s.name} moved to position ${to + 1} of ${draft.stages.length}.`);
  edited();
}

function deleteStage(index: number): void {
  const [s] = draft.stages.splice(index, 1);
  // Exits that left after it keep the name, so the problem shows on them until the user picks another stage.
  for (const e of draft.exits) if (e.from === s.id) e.from = s.name;
  renderPipelineLists();
  refreshStageDependents();
  const next = draft.stages[Math.min(index, draft.stages.length - 1)];
  focusKey(next ? `stage-${next.id}-name` : 'add-stage');
  announce(`Stage ${s.name} deleted.`);
  edited();
}

function renderExits(): void {
  const list = byId('lf-exits');
  list.replaceChildren(...draft.exits.map((e, i) => {
    const key = `exit-${e.id}`;
    const nameId = `${key}-name`;
    const name = h('input', { type: 'text', id: nameId, class: 'lf-name', value: e.name, 'data-field': `exits.${i}.name`, 'data-key': nameId, 'data-error-slot': key, autocomplete: 'off' });
    name.addEventListener('input', () => {
      e.name = name.value;
      relabel(li, e.name);
      renderUnmatched();
      edited();
    });
    const del = h('button', { type: 'button', class: 'lf-icon', 'aria-label': `Delete exit ${e.name}`, title: `Delete exit ${e.name}`, 'data-label': 'Delete exit {}', text: '✕', 'data-key': `${key}-delete` });
    del.addEventListener('click', () => {
      draft.exits.splice(i, 1);
      renderPipelineLists();
      renderUnmatched();
      const next = draft.exits[Math.min(i, draft.exits.length - 1)];
      focusKey(next ? `exit-${next.id}-name` : 'add-exit');
      announce(`Exit ${e.name} deleted.`);
      edited();
    });
    const fromId = `${key}-from`;
    const from = h('select', { id: fromId, 'data-field': `exits.${i}.from`, 'data-key': fromId, 'data-error-slot': key });
    fillExitFrom(from, e);
    from.addEventListener('change', () => {
      e.from = from.value.startsWith('id:') ? Number(from.value.slice(3)) : from.value.slice(5);
      document.getElementById(`${key}-hint`)!.textContent = exitHint(e);
      edited();
    });
    const removesId = `${key}-removes`;
    const removes = h('input', { type: 'checkbox', id: removesId, checked: e.removes, 'data-field': `exits.${i}.removes`, 'data-key': removesId });
    removes.addEventListener('change', () => {
      e.removes = removes.checked;
      edited();
    });
    const hintId = `${key}-hint`;
    from.setAttribute('aria-describedby', hintId);
    const li = h('li', { class: 'lf-item lf-exit' },
      h('div', { class: 'lf-item-row' }, h('label', { for: nameId, class: 'lf-sr-only', text: `Exit ${i + 1} name` }), name, del),
      h('div', { class: 'lf-inline lf-from' }, h('label', { for: fromId, text: 'Leaves after' }), from),
      h('p', { class: 'gray lf-exit-hint', id: hintId, text: exitHint(e) }),
      h('div', { class: 'lf-check' }, removes, h('label', { for: removesId, text: 'Removes the lead from net lead flow' })),
      chips(e, `exits.${i}`, key, renderPipelineLists),
      h('div', { class: 'lf-errors', 'data-slot': key }));
    return li;
  }));
}

/** What leaving after the first stage means: the status does not say how far the lead got (a plain "Lost"). */
function exitHint(e: M.ExitDraft): string {
  return draft.stages.length > 1 && e.from === draft.stages[0].id
    ? 'Its status does not say how far the lead got: it counts only as far as its dates or yes/no columns show.'
    : '';
}

/** Buttons and lists of a stage or exit are labelled with its name: keep them in step while it is renamed. */
function relabel(li: HTMLElement, name: string): void {
  li.querySelectorAll<HTMLElement>('[data-label]').forEach((el) => {
    const text = el.dataset.label!.replace('{}', name);
    el.setAttribute('aria-label', text);
    if (el.hasAttribute('title')) el.title = text;
  });
}

function fillExitFrom(select: HTMLSelectElement, e: M.ExitDraft): void {
  const items: [string, string][] = draft.stages.map((s) => [`id:${s.id}`, s.name || '(unnamed stage)']);
  let value = typeof e.from === 'number' ? `id:${e.from}` : `name:${e.from}`;
  if (typeof e.from === 'string') items.unshift([value, e.from ? `${e.from} (not a stage)` : '(choose a stage)']);
  else if (!draft.stages.some((s) => s.id === e.from)) value = items[0]?.[0] ?? '';
  options(select, items, value);
}

/** After a stage is renamed, moved, added or removed: the lists that name stages follow. */
function refreshStageDependents(): void {
  draft.exits.forEach((e, i) => {
    const select = document.querySelector<HTMLSelectElement>(`[data-key="exit-${e.id}-from"]`);
    if (select) {
      fillExitFrom(select, e);
      select.dataset.field = `exits.${i}.from`;
    }
    const hint = document.getElementById(`exit-${e.id}-hint`);
    if (hint) hint.textContent = exitHint(e);
  });
  renderStageDates();
  renderPreview();
  renderUnmatched();
}

function renderPipelineLists(): void {
  keepingFocus(() => {
    renderStages();
    renderExits();
  });
}

// ---------------------------------------------------------------- the first screen: guesses, statuses not counted, day order

/** Statuses of the leads in the draft's status column, with whether the counts are exact (else scaled from the sample). */
function currentStatuses(): { list: M.StatusTally[]; exact: boolean } {
  const column = draft.columns.status;
  const src = statusSource;
  if (column && column === src.column && src.sheet === readFrom.sheet && src.headerRow === readFrom.headerRow) return { list: src.list, exact: true };
  return { list: statusTallies(headers(), server.sample, column, server.rowCount), exact: !server.sampled };
}

const leadsText = (n: number, exactCount: boolean) => `${exactCount ? '' : '≈ '}${fmt(n)} lead${n === 1 ? '' : 's'}`;

/** Expands a section and focuses the control with this data-key (opening the fold it is in). */
function goTo(section: Section, key: string): void {
  expand(section);
  const el = document.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  const fold = el?.closest('details');
  if (fold) fold.open = true;
  el?.focus();
}

/** What LeadFlow guessed: shown first, until the user confirms (one click) or saves. */
function renderReview(): void {
  const box = byId('lf-review');
  updateSaveLabel();
  if (!review) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const r = review;
  const columnGuesses = [...r.guesses].map(([key, pick]) => {
    const change = h('button', { type: 'button', class: 'lf-link', 'data-key': `review-${key}`, 'aria-label': `Change ${pick.label}`, text: 'Change' });
    change.addEventListener('click', () => goTo('columns', key));
    return h('li', { class: 'lf-guess' },
      h('span', { class: 'lf-chip-guess', text: 'guess' }),
      h('span', { class: 'lf-guess-what', text: `${pick.label}: column ${columnLetter(pick.index)} ${quoted(pick.header)}` }),
      ' ', change,
      h('span', { class: 'gray lf-why', text: pick.why }),
      pick.caution ? h('span', { class: 'lf-caution', role: 'note', text: pick.caution }) : null);
  });
  const { list, exact: exactCounts } = currentStatuses();
  const countOf = (status: string) => list.filter((t) => normalizeLabel(t.status) === normalizeLabel(status)).reduce((n, t) => n + t.count, 0);
  // A pipeline built from the sheet's own statuses is one guess (its order); each status a CRM's list
  // does not know, placed by its words, is a guess of its own.
  const own = r.crm ? [] : r.words.filter((w) => M.placement(draft, w.status)?.startsWith('its own'));
  const wordGuesses = r.words.filter((w) => !own.includes(w)).map((w) => {
    const where = M.placement(draft, w.status);
    const n = countOf(w.status) || w.count;
    return h('li', { class: 'lf-guess' },
      h('span', { class: 'lf-chip-guess', text: 'guess' }),
      h('span', { class: 'lf-guess-what', text: `${quoted(w.status)}${where ? (where.startsWith('→') ? ` ${where}` : `: ${where}`) : ' → nothing (see “not counted”)'}` }),
      h('span', { class: 'gray lf-why', text: `${leadsText(n, exactCounts)}; placed by what its words mean` }));
  });
  if (own.length) {
    const exits = own.filter((w) => M.statusResolver(draft)(w.status)?.kind === 'exit').length;
    wordGuesses.unshift(h('li', { class: 'lf-guess' },
      h('span', { class: 'lf-chip-guess', text: 'guess' }),
      h('span', { class: 'lf-guess-what', text: `The stages' order${exits ? `, and which statuses are exits` : ''}` }),
      h('span', { class: 'gray lf-why', text: `from what the words of ${own.length} statuses mean` })));
  }
  const order = r.from ? [
    h('p', { class: 'lf-order' }, h('span', { class: 'gray', text: 'Stages: ' }), draft.stages.map((x) => x.name).join(' → ')),
    draft.exits.length ? h('p', { class: 'lf-order' }, h('span', { class: 'gray', text: 'Exits: ' }), draft.exits.map((x) => x.name).join(', ')) : null,
  ] : [];
  const confirm = h('button', { type: 'button', class: 'action', id: 'lf-confirm-guesses', 'data-key': 'confirm-guesses', text: 'Looks right' });
  confirm.addEventListener('click', confirmGuesses);
  const editPipeline = h('button', { type: 'button', 'data-key': 'review-pipeline', text: 'Edit pipeline' });
  editPipeline.addEventListener('click', () => {
    expand('pipeline');
    const first = draft.stages[0];
    focusKey(first ? `stage-${first.id}-name` : 'add-stage');
  });
  const guessCount = r.guesses.size + wordGuesses.length;
  shownGuesses = guessCount;
  box.className = 'lf-card lf-card-guess';
  const parts: (HTMLElement | null)[] = [
    h('h2', { class: 'lf-card-title', id: 'lf-review-h', text: guessCount ? `LeadFlow guessed ${guessCount === 1 ? 'one thing' : `${guessCount} things`} in ${quoted(r.sheet)}` : `LeadFlow set up ${quoted(r.sheet)} from its headers` }),
    h('p', { class: 'lf-card-lead', text: guessCount ? 'Check each guess. Nothing is saved until you confirm.' : 'Check it. Nothing is saved until you confirm.' }),
    columnGuesses.length ? h('h3', { class: 'lf-card-sub', text: 'Columns' }) : null,
    columnGuesses.length ? h('ul', { class: 'lf-guesses', 'aria-label': 'Guessed columns' }, columnGuesses) : null,
    r.sure.length ? h('p', { class: 'gray lf-small lf-sure', text: `${columnGuesses.length ? 'Sure, from their headers' : 'Columns, sure from their headers'}: ${r.sure.map((p) => `${p.label} (${columnLetter(p.index)})`).join(', ')}.` }) : null,
    r.from ? h('h3', { class: 'lf-card-sub', text: 'Pipeline' }) : null,
    r.from ? h('p', { class: 'lf-from-line' }, 'From ', h('b', { text: r.from }), '.') : null,
    ...order,
    wordGuesses.length ? h('ul', { class: 'lf-guesses', 'aria-label': 'Statuses placed by their words' }, wordGuesses) : null,
    r.notes.length ? h('ul', { class: 'lf-notes' }, r.notes.map((n) => h('li', { text: n }))) : null,
    h('div', { class: 'lf-buttons' }, confirm, r.from ? editPipeline : null),
  ];
  box.replaceChildren(...parts.filter((x): x is HTMLElement => x !== null));
  box.hidden = false;
}

function confirmGuesses(): void {
  if (!review) return;
  const n = shownGuesses;
  review = undefined;
  document.querySelectorAll('.lf-chip-guess').forEach((c) => c.remove());
  renderReview();
  updateSummaries();
  // The focus goes to what the first screen asks next: a status not counted, a column to repair, else Save.
  const next = document.querySelector<HTMLElement>('#lf-notcounted:not([hidden]) button, #lf-dayorder button') ?? byId('lf-save');
  next.focus();
  announce(`${n ? `${n} guess${n === 1 ? '' : 'es'} confirmed` : 'Confirmed'}. Nothing is saved until you click Save.`);
  progress('Not saved yet: Save writes the setup.');
}

function updateSaveLabel(): void {
  byId('lf-save').textContent = review ? 'Confirm and save' : 'Save';
}

/** Leads whose status matches no stage or exit: said on the first screen, each status with its one-click fix. */
function renderUnmatched(): void {
  const box = byId('lf-notcounted');
  const list = byId('lf-unmatched');
  const note = byId('lf-unmatched-note');
  const title = byId('lf-notcounted-h');
  const pointer = byId('lf-unmatched-pointer');
  const { list: all, exact: exactCounts } = currentStatuses();
  const unmatched = draft.columns.status ? M.unmatchedStatuses(draft, all) : [];
  const total = server.rowCount;
  const { leads, share } = M.notCounted(unmatched, total);
  const approx = exactCounts ? '' : '≈ ';
  if (unmatched.length) hadUnmatched = true;
  box.hidden = !unmatched.length && !(hadUnmatched && draft.columns.status);
  box.className = `lf-card ${unmatched.length ? 'lf-card-warn' : 'lf-card-ok'}`;
  if (!unmatched.length) {
    title.textContent = 'Every lead is counted';
    note.textContent = `All ${all.length} statuses in ${quoted(draft.columns.status)} match a stage or an exit.`;
  } else {
    title.textContent = `${leadsText(leads, exactCounts)} (${approx}${M.percent(share)}) ${leads === 1 ? 'is' : 'are'} not counted`;
    const subject = leads === 1 ? 'Its status' : unmatched.length === 1 ? 'Their status' : 'Their statuses';
    note.textContent = `${subject} in ${quoted(draft.columns.status)} match${unmatched.length === 1 ? 'es' : ''} no stage or exit, so the funnel leaves ${leads === 1 ? 'it' : 'them'} out. Add each status to a stage or exit:${exactCounts ? '' : ` (estimated from ${fmt(server.sample.length)} of ${fmt(total)} rows; exact counts follow)`}`;
  }
  byId('lf-unmatched-show').hidden = !unmatched.length;
  pointer.textContent = !draft.columns.status
    ? 'Map the Status column to see which statuses match no stage.'
    : unmatched.length
      ? `${unmatched.length} status${unmatched.length === 1 ? '' : 'es'} match${unmatched.length === 1 ? 'es' : ''} no stage or exit: see “not counted” at the top.`
      : `All ${all.length} statuses in ${quoted(draft.columns.status)} match a stage or an exit.`;
  list.replaceChildren(...unmatched.map((u) => {
    const key = `unmatched-${normalizeLabel(u.status)}`;
    const selectId = `${key}-to`;
    const select = h('select', { id: selectId, class: 'lf-unmatched-to', 'data-key': selectId, 'aria-label': `Stage or exit for ${quoted(u.status)}` });
    const suggestion = M.suggestTarget(draft, u.status);
    const groups = [
      h('optgroup', { label: 'Stages' }, draft.stages.map((s) => new Option(s.name || '(unnamed stage)', `stage:${s.id}`))),
      h('optgroup', { label: 'Exits' }, draft.exits.map((e) => new Option(e.name || '(unnamed exit)', `exit:${e.id}`))),
    ];
    select.append(...groups);
    if (suggestion) select.value = `${suggestion.kind}:${suggestion.id}`;
    const button = h('button', { type: 'button', class: 'lf-small-btn', 'data-key': `${key}-add`, text: 'Add' });
    const label = () => {
      const [kind, id] = select.value.split(':');
      const item = M.targetItem(draft, { kind: kind as 'stage' | 'exit', id: Number(id) });
      button.setAttribute('aria-label', `Add ${quoted(u.status)} as an alias of ${item?.name ?? 'the chosen stage'}`);
      return item;
    };
    label();
    select.addEventListener('change', label);
    button.addEventListener('click', () => {
      const item = label();
      if (!item) return;
      const index = unmatched.indexOf(u);
      M.addAliases(item, u.status);
      renderPipelineLists();
      renderUnmatched();
      renderReview();
      const rest = M.unmatchedStatuses(draft, all);
      const next = rest[Math.min(index, rest.length - 1)];
      if (next) focusKey(`unmatched-${normalizeLabel(next.status)}-add`);
      else {
        box.setAttribute('tabindex', '-1');
        box.focus();
      }
      announce(`${quoted(u.status)} is now an alias of ${item.name}: its ${fmt(u.count)} lead${u.count === 1 ? ' is' : 's are'} counted.`);
      edited();
    });
    // An alias may not look like markup (validateSetup refuses it), so such a status is fixed in the sheet.
    const action = MARKUP.test(u.status)
      ? h('p', { class: 'lf-small error', text: 'This status looks like HTML or script, which LeadFlow does not take as an alias. Correct it in the sheet.' })
      : h('div', { class: 'lf-inline' }, select, button);
    return h('li', { class: 'lf-unmatched-item' },
      h('div', { class: 'lf-unmatched-status' },
        h('span', { class: 'lf-status-text', text: u.status }),
        h('span', { class: 'lf-status-count', text: ` · ${leadsText(u.count, exactCounts)} (${approx}${M.percent(total ? u.count / total : 0)})` }),
        u.others.length ? h('span', { class: 'gray lf-others', text: `also written ${u.others.map(quoted).join(', ')}` }) : null),
      action);
  }));
  // The first screen says where each status placed by its words sits now.
  renderReview();
  updateSummaries();
}

/** Date columns a spreadsheet read in the wrong day order: each with a repair that asks first, in the sidebar. */
function renderDayOrder(): void {
  const box = byId('lf-dayorder');
  const done = dayOrderDone.map((d) => h('div', { class: 'lf-card lf-card-ok', role: 'status', tabindex: '-1', 'data-key': `dayorder-done-${d.letter}` },
    h('p', { text: `Repaired ${fmt(d.changed)} cell${d.changed === 1 ? '' : 's'} of column ${d.letter} ${quoted(d.header)}; the column as it was is in the sheet ${quoted(d.keptIn)}.` })));
  const warnings = server.dayOrder.map((mix) => dayOrderCard(mix));
  box.replaceChildren(...done, ...warnings);
  box.hidden = done.length + warnings.length === 0;
}

function dayOrderCard(mix: DayOrderMix): HTMLElement {
  const letter = columnLetter(mix.column);
  const sheet = readFrom.sheet;
  const example = M.dayFirstExample(server.sample, mix.column) ?? '20/10/2017';
  const keptIn = M.freeSheetName(server.sheets, `${mix.header} as imported`);
  const key = `dayorder-${letter}`;
  const open = h('button', { type: 'button', 'data-key': `${key}-repair`, 'aria-label': `Repair column ${letter}, ${mix.header}…`, text: `Repair column ${letter}…` });
  const yes = h('button', { type: 'button', class: 'action', 'data-key': `${key}-yes`, text: `Repair column ${letter}` });
  const no = h('button', { type: 'button', 'data-key': `${key}-no`, text: 'Not now' });
  const status = h('p', { class: 'lf-small', role: 'status' });
  const confirmBox = h('div', { class: 'lf-confirm', hidden: true, role: 'group', 'aria-label': `Repair column ${letter}` },
    h('p', { text: `LeadFlow will first copy column ${letter} as it is into a new sheet, ${quoted(keptIn)}, then rewrite ${fmt(mix.changes)} cell${mix.changes === 1 ? '' : 's'} of column ${letter} in ${quoted(sheet)}: day and month swapped back in the date cells, and the text dates turned into dates. Nothing else changes.` }),
    h('div', { class: 'lf-buttons' }, yes, no),
    status);
  open.addEventListener('click', () => {
    confirmBox.hidden = false;
    open.hidden = true;
    yes.focus();
  });
  no.addEventListener('click', () => {
    confirmBox.hidden = true;
    open.hidden = false;
    open.focus();
  });
  yes.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    yes.disabled = no.disabled = true;
    status.className = 'lf-small';
    status.textContent = `Repairing column ${letter}…`;
    try {
      const result = await call<DayOrderRepair>('leadflowRepairDayOrder', { sheetName: sheet, headerRow: readFrom.headerRow, column: mix.column });
      dayOrderDone.push({ letter, header: mix.header, changed: result.changed, keptIn: result.keptIn });
      server = { ...server, dayOrder: server.dayOrder.filter((m) => m !== mix) };
      renderDayOrder();
      document.querySelector<HTMLElement>(`[data-key="dayorder-done-${letter}"]`)?.focus();
      announce(`Repaired ${fmt(result.changed)} cells; the column as it was is in the sheet ${quoted(result.keptIn)}.`);
      busy = false;
      await refreshData();
    } catch (e) {
      status.className = 'lf-small error';
      status.textContent = `Could not repair column ${letter}: ${errorText(e)}`;
      yes.disabled = no.disabled = false;
      yes.focus();
    } finally {
      busy = false;
    }
  });
  return h('div', { class: 'lf-card lf-card-warn', role: 'group', 'aria-labelledby': `${key}-h` },
    h('h2', { class: 'lf-card-title', id: `${key}-h`, text: `Dates in column ${letter} ${quoted(mix.header)} are in the wrong order` }),
    h('p', { text: `${fmt(mix.dateCells)} date cell${mix.dateCells === 1 ? ' was' : 's were'} read month first by the spreadsheet; ${fmt(mix.dayFirstText)} text date${mix.dayFirstText === 1 ? '' : 's'} such as ${example} prove${mix.dayFirstText === 1 ? 's' : ''} the column is day first. Until it is repaired, these leads count in the wrong months.` }),
    open,
    confirmBox);
}

/**
 * Reads the leads sheet again after LeadFlow changed it (headers, rows, statuses, day order),
 * keeping the draft as the user has it.
 */
async function refreshData(): Promise<void> {
  try {
    const next = await call<SetupState>('leadflowSetupState', { sheetName: readFrom.sheet, headerRow: readFrom.headerRow });
    server = { ...server, ...next, setup: server.setup, saved: server.saved, problems: server.problems };
    readData(next);
    exact = undefined;
    keepingFocus(() => {
      renderSheetFields();
      renderPreview();
      renderDayOrder();
      renderUnmatched();
      renderReview();
    });
    revision++;
    validateNow();
    checkStatuses();
  } catch (e) {
    progress(`Could not read “${readFrom.sheet}” again: ${errorText(e)}`, 'error');
  }
}

// ---------------------------------------------------------------- rules

function ruleCard(r: M.RuleDraft, index: number): HTMLLIElement {
  const base = `scoring.rules.${index}`;
  const key = `rule-${r.id}`;
  const field = (labelText: string, el: HTMLElement, extra = '') => h('div', { class: `form-group lf-rule-field ${extra}` }, h('label', { for: el.id, text: labelText }), el);

  const label = h('input', { type: 'text', id: `${key}-label`, value: r.label, placeholder: describeRule({ ...r, label: '' }), 'data-field': `${base}.label`, 'data-key': `${key}-label`, 'data-error-slot': key, autocomplete: 'off' });
  const column = h('select', { id: `${key}-column`, 'data-field': `${base}.column`, 'data-key': `${key}-column`, 'data-error-slot': key });
  options(column, headerOptions(r.column, '(choose a column)'), r.column);
  const operator = h('select', { id: `${key}-operator`, 'data-field': `${base}.operator`, 'data-key': `${key}-operator`, 'data-error-slot': key });
  options(operator, Object.entries(OPERATORS) as [string, string][], r.operator);
  const value = h('input', { type: 'text', id: `${key}-value`, value: r.value, 'data-field': `${base}.value`, 'data-key': `${key}-value`, 'data-error-slot': key, autocomplete: 'off' });
  const value2 = h('input', { type: 'text', id: `${key}-value2`, value: r.value2, 'data-field': `${base}.value2`, 'data-key': `${key}-value2`, 'data-error-slot': key, autocomplete: 'off', inputmode: 'decimal' });
  const points = h('input', { type: 'number', step: '1', id: `${key}-points`, value: Number.isFinite(r.points) ? r.points : '', 'data-field': `${base}.points`, 'data-key': `${key}-points`, 'data-error-slot': key });
  const group = h('select', { id: `${key}-group`, 'data-field': `${base}.group`, 'data-key': `${key}-group`, 'data-error-slot': key });
  options(group, [['fit', 'Fit'], ['intent', 'Intent']], r.group);
  const del = h('button', { type: 'button', class: 'lf-icon', 'data-key': `${key}-delete`, text: '✕' });
  const valueField = field('Value', value, 'lf-value');
  const value2Field = field('and', value2, 'lf-value2');
  const match = h('p', { class: 'lf-match gray', id: `${key}-match` });

  const shape = () => {
    const op = r.operator as Operator;
    valueField.hidden = VALUELESS_OPERATORS.includes(op);
    value2Field.hidden = op !== 'between';
    value.inputMode = NUMERIC_OPERATORS.includes(op) ? 'decimal' : 'text';
    value.placeholder = op === 'oneOf' || op === 'contains' ? 'e.g. Referral, Webinar' : op === 'withinDays' ? 'days, e.g. 14' : NUMERIC_OPERATORS.includes(op) ? 'a number' : '';
    const words = describeRule({ ...r, label: '' });
    label.placeholder = words;
    del.setAttribute('aria-label', `Delete rule ${r.label || words}`);
    del.title = del.getAttribute('aria-label')!;
  };
  shape();
  label.addEventListener('input', () => { r.label = label.value; shape(); edited(); });
  column.addEventListener('change', () => { r.column = column.value; shape(); edited(); });
  operator.addEventListener('change', () => { r.operator = operator.value as Operator; shape(); edited(); });
  value.addEventListener('input', () => { r.value = value.value; shape(); edited(); });
  value2.addEventListener('input', () => { r.value2 = value2.value; shape(); edited(); });
  points.addEventListener('input', () => { r.points = M.numberInput(points.value); edited(); });
  group.addEventListener('change', () => {
    r.group = group.value as 'fit' | 'intent';
    keepingFocus(renderRules);
    announce(`Rule moved to ${r.group === 'fit' ? 'Fit' : 'Intent'} rules.`);
    edited();
  });
  del.addEventListener('click', () => {
    const group = draft.rules.filter((x) => x.group === r.group);
    const at = group.indexOf(r);
    draft.rules.splice(draft.rules.indexOf(r), 1);
    renderRules();
    // The focus goes to the rule that took its place, else the one before, else "Add … rule".
    const next = group.filter((x) => x !== r)[Math.min(at, group.length - 2)];
    focusKey(next ? `rule-${next.id}-label` : `add-${r.group}`);
    announce(`Rule ${r.label || describeRule(r)} deleted.`);
    edited();
  });

  return h('li', { class: 'lf-item lf-rule', 'data-field': base, 'data-error-slot': key },
    h('div', { class: 'lf-item-row' }, h('div', { class: 'form-group lf-grow' }, h('label', { for: label.id, text: 'Rule name (optional)' }), label), del),
    h('div', { class: 'lf-rule-grid' },
      field('Column', column), field('Comparison', operator), valueField, value2Field, field('Points', points), field('Group', group)),
    match,
    h('div', { class: 'lf-errors', 'data-slot': key }));
}

function renderRules(): void {
  for (const g of ['fit', 'intent'] as const) {
    const list = byId(`lf-rules-${g}`);
    const items = draft.rules.map((r, i) => [r, i] as const).filter(([r]) => r.group === g);
    list.replaceChildren(...items.map(([r, i]) => ruleCard(r, i)));
    if (!items.length) list.append(h('li', { class: 'gray lf-small lf-empty', text: g === 'fit' ? 'No fit rules yet.' : 'No intent rules yet.' }));
  }
  updateSummaries();
}

function renderThresholds(): void {
  const set = (id: string, n: number) => { byId<HTMLInputElement>(id).value = Number.isFinite(n) ? String(n) : ''; };
  set('lf-caps-fit', draft.caps.fit);
  set('lf-caps-intent', draft.caps.intent);
  set('lf-mql-fit', draft.mql.fit);
  set('lf-mql-intent', draft.mql.intent);
  set('lf-sql-fit', draft.sql.fit);
  set('lf-sql-intent', draft.sql.intent);
  set('lf-warm', draft.temperature.warm);
  set('lf-hot', draft.temperature.hot);
  set('lf-inactive', draft.inactiveDays);
}

// ---------------------------------------------------------------- presets

function renderPresetSelect(): void {
  options(byId<HTMLSelectElement>('lf-preset'), SCORING_PRESETS.map((p) => [p.id, p.name]), SCORING_PRESETS[0].id);
}

function openPreset(): void {
  const preset = SCORING_PRESETS.find((p) => p.id === byId<HTMLSelectElement>('lf-preset').value);
  if (!preset) return;
  const panel = byId('lf-preset-panel');
  const missing = M.presetMissingColumns(preset, headers());
  const selects = missing.map((col) => {
    const id = uniqueId('preset-col');
    const select = h('select', { id, 'data-key': `preset-col-${normalizeLabel(col)}` });
    const guess = M.guessHeader(col, headers());
    options(select, headerOptions('', 'Leave these rules out'), guess);
    return { col, select, row: h('div', { class: 'form-group' }, h('label', { for: id, text: `${col} →` }), select) };
  });
  const apply = h('button', { type: 'button', class: 'action', 'data-key': 'preset-apply', text: `Use ${preset.name}` });
  const cancel = h('button', { type: 'button', 'data-key': 'preset-cancel', text: 'Cancel' });
  apply.addEventListener('click', () => {
    const mapping = Object.fromEntries(selects.map((s) => [s.col, s.select.value]));
    const { added, left } = M.applyPreset(draft, preset, mapping);
    panel.hidden = true;
    panel.replaceChildren();
    renderRules();
    renderThresholds();
    focusKey('preset-use');
    announce(`${preset.name}: ${added} rules added${left ? `, ${left} left out` : ''}.`);
    edited();
  });
  cancel.addEventListener('click', () => {
    panel.hidden = true;
    panel.replaceChildren();
    focusKey('preset-use');
  });
  panel.replaceChildren(h('div', {},
    h('p', { text: preset.description }),
    draft.rules.length ? h('p', { text: `This replaces your ${draft.rules.length} rule${draft.rules.length === 1 ? '' : 's'}, caps and thresholds. Nothing is saved until you click Save.` }) : null,
    missing.length ? h('p', { text: `Your sheet has no column named ${missing.map(quoted).join(', ')}. Pick the column to use for each, or leave its rules out:` }) : null,
    selects.map((s) => s.row),
    h('div', { class: 'lf-buttons' }, apply, cancel)));
  panel.hidden = false;
  (selects[0]?.select ?? apply).focus();
}

// ---------------------------------------------------------------- problems next to their fields

function fieldElement(field: string): HTMLElement | null {
  const parts = field.split('.');
  for (let n = parts.length; n > 0; n--) {
    const el = document.querySelector<HTMLElement>(`[data-field="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
    if (el) return el;
  }
  return null;
}

function showProblems(list: SetupProblem[]): { first?: HTMLElement } {
  document.querySelectorAll('.lf-field-error').forEach((e) => e.remove());
  document.querySelectorAll<HTMLElement>('[aria-invalid="true"]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    const rest = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((t) => t && !t.startsWith('lf-err-'));
    if (rest.length) el.setAttribute('aria-describedby', rest.join(' '));
    else el.removeAttribute('aria-describedby');
  });
  const general: SetupProblem[] = [];
  const perSection: Record<Section, number> = { columns: 0, pipeline: 0, scoring: 0 };
  let first: HTMLElement | undefined;
  for (const p of list) {
    const el = fieldElement(p.field);
    if (!el) {
      general.push(p);
      continue;
    }
    const msg = h('p', { class: 'lf-field-error error', id: uniqueId('lf-err'), text: p.message });
    const slotName = el.dataset.errorSlot;
    const slot = slotName ? document.querySelector<HTMLElement>(`.lf-errors[data-slot="${CSS.escape(slotName)}"]`) : null;
    if (slot) slot.append(msg);
    else el.insertAdjacentElement('afterend', msg);
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', `${el.getAttribute('aria-describedby') ?? ''} ${msg.id}`.trim());
    const fold = el.closest('details');
    if (fold) fold.open = true;
    const section = sectionOfField(p.field);
    if (section) perSection[section]++;
    first ??= el;
  }
  for (const s of SECTIONS) {
    const badge = byId(`sec-${s}`).querySelector<HTMLElement>('.lf-badge')!;
    badge.hidden = perSection[s] === 0;
    badge.textContent = perSection[s] ? `${perSection[s]} problem${perSection[s] === 1 ? '' : 's'}` : '';
  }
  const box = byId('lf-general-errors');
  box.hidden = general.length === 0;
  box.replaceChildren(...(general.length ? [h('ul', {}, general.map((p) => h('li', { text: p.message })))] : []));
  return { first: first ?? (general.length ? box : undefined) };
}

// ---------------------------------------------------------------- live validation and counts

function currentSetup(): Setup {
  return M.setupFromDraft(draft);
}

const validateNow = () => {
  const setup = currentSetup();
  problems = validateSetup(setup, headers()).problems;
  showProblems(problems);
  const live = liveCounts(setup, problems, { headers: headers(), rows: server.sample, total: server.rowCount, now: server.now });
  showCounts(live);
  updateSummaries();
  if (server.sampled && (!problems.length || !currentStatuses().exact)) checkExact(revision, setup);
};
const validateSoon = debounce(150, validateNow);

/**
 * Asks the server to count every row for this setup: the exact count of each status in its status
 * column (whatever the problems elsewhere), and the exact rule matches and totals when it validates.
 */
function requestCheck(rev: number, setup: Setup): void {
  const from = { ...readFrom };
  const column = setup.columns.status;
  call<SetupCheck>('leadflowCheckSetup', { setup }).then((check) => {
    const sameData = from.sheet === readFrom.sheet && from.headerRow === readFrom.headerRow;
    if (sameData && column && !check.problems.some((p) => p.field === 'leads.sheet')) {
      statusSource = { sheet: from.sheet, headerRow: from.headerRow, column, list: check.statuses };
      keepingFocus(() => {
        renderUnmatched();
        renderReview();
      });
    }
    if (rev !== revision || check.problems.length) return;
    exact = { revision: rev, check };
    showCounts({ ruleMatches: check.ruleMatches, counts: check.counts, approximate: false });
  }, () => { /* the sample's counts stay */ });
}

/** On a sampled sheet, once the user pauses, the server counts every row. */
const checkExact = debounce(900, requestCheck);

/** Right after a setup is proposed or the sheet is read: the exact status counts, unless the server sent them already. */
function checkStatuses(): void {
  const src = statusSource;
  if (!draft.columns.status || noHeaders()) return;
  if (src.column === draft.columns.status && src.sheet === readFrom.sheet && src.headerRow === readFrom.headerRow) return;
  checkExact.cancel();
  requestCheck(revision, currentSetup());
}

/** Takes the sheet a state was read from, and its exact status counts. */
function readData(state: SetupState): void {
  readFrom = { sheet: state.setup.leads.sheet, headerRow: state.setup.leads.headerRow };
  if (state.setup.columns.status) statusSource = { ...readFrom, column: state.setup.columns.status, list: state.statuses };
}

const hasColumns = (setup: Setup) => M.COLUMN_KEYS.some((k) => setup.columns[k])
  || Object.values(setup.columns.stageDates ?? {}).some(Boolean) || Object.values(setup.columns.stageFlags ?? {}).some(Boolean);

/**
 * Proposes the setup for the sheet a state was read from (core/detect, from its headers and
 * sample): its columns always, its pipeline too with `withPipeline`. What is a guess goes to the
 * first screen.
 */
function propose(state: SetupState, withPipeline: boolean): void {
  review = undefined;
  if (state.headers.every((x) => x.trim() === '')) return;
  let proposal: ReturnType<typeof proposeSetup>;
  try {
    proposal = proposeSetup(state.setup.leads.sheet, state.headers, state.sample);
  } catch (e) {
    progress(`LeadFlow could not propose columns: ${errorText(e)}. Choose them below.`, 'error');
    return;
  }
  const applied = M.applyProposal(draft, proposal, withPipeline);
  review = {
    sheet: state.setup.leads.sheet,
    guesses: applied.guesses,
    sure: applied.sure,
    from: withPipeline ? proposal.pipeline.from : undefined,
    words: withPipeline ? proposal.pipeline.statuses.filter((x) => x.how === 'words') : [],
    crm: !!proposal.pipeline.profile,
    notes: proposal.notes,
  };
  if (withPipeline) proposedPipeline = M.pipelineKey(draft);
}

function showCounts(live: LiveCounts): void {
  const useExact = exact && exact.revision === revision;
  const result: LiveCounts = useExact ? { ruleMatches: exact!.check.ruleMatches, counts: exact!.check.counts, approximate: false } : live;
  const approx = result.approximate ? '≈ ' : '';
  const total = server.rowCount;
  draft.rules.forEach((r, i) => {
    const el = document.getElementById(`rule-${r.id}-match`);
    if (!el) return;
    const m = result.ruleMatches[i];
    el.textContent = m === null || m === undefined
      ? 'Fix this rule to see how many leads it matches.'
      : `Matches ${approx}${fmt(m)} lead${m === 1 ? '' : 's'}${total ? ` (${Math.round((m / total) * 100)}%)` : ''}`;
  });
  const c = result.counts;
  byId('lf-count-mql').textContent = c ? approx + fmt(c.mql) : '–';
  byId('lf-count-sql').textContent = c ? approx + fmt(c.sql) : '–';
  byId('lf-count-hot').textContent = c ? approx + fmt(c.hot) : '–';
  byId('lf-count-note').textContent = !c
    ? 'Fix the problems marked in this section to see how many leads qualify.'
    : `Of ${fmt(c.leads)} leads (MQLs include SQLs) · ${fmt(c.warm)} warm · ${fmt(c.cold)} cold${result.approximate ? ` · estimated from ${fmt(server.sample.length)} rows; exact figures follow` : ''}.`;
}

function edited(): void {
  revision++;
  validateSoon();
  if (!busy) progress('Unsaved changes.');
}

// ---------------------------------------------------------------- banner: a broken saved setup

function renderBanner(fixes?: string[]): void {
  const banner = byId('lf-banner');
  const saved = server.problems;
  if (fixes && fixes.length) {
    banner.className = 'lf-banner lf-banner-ok';
    banner.replaceChildren(
      h('p', { text: 'The setup sheet was repaired and saved.' }),
      h('details', {}, h('summary', { text: `What changed (${fixes.length})` }), h('ul', {}, fixes.map((f) => h('li', { text: f })))),
    );
    banner.hidden = false;
    return;
  }
  if (!saved.length) {
    banner.hidden = true;
    banner.replaceChildren();
    return;
  }
  banner.className = 'lf-banner lf-banner-error';
  const shown = saved.slice(0, 5);
  const repair = h('button', { type: 'button', 'data-key': 'repair', text: 'Repair…' });
  const confirmBox = h('div', { class: 'lf-confirm', hidden: true },
    h('p', { text: 'Repair rewrites the setup sheet, keeping what still makes sense and dropping what does not (shown after). Your leads are not touched.' }));
  const yes = h('button', { type: 'button', class: 'action', 'data-key': 'repair-yes', text: 'Repair setup sheet' });
  const no = h('button', { type: 'button', 'data-key': 'repair-no', text: 'Not now' });
  confirmBox.append(h('div', { class: 'lf-buttons' }, yes, no));
  repair.addEventListener('click', () => {
    confirmBox.hidden = false;
    repair.hidden = true;
    yes.focus();
  });
  no.addEventListener('click', () => {
    confirmBox.hidden = true;
    repair.hidden = false;
    repair.focus();
  });
  const repairStatus = h('p', { class: 'lf-small', role: 'status' });
  confirmBox.append(repairStatus);
  yes.addEventListener('click', async () => {
    yes.disabled = no.disabled = true;
    repairStatus.textContent = 'Repairing the setup sheet…';
    try {
      const next = await call<SetupState>('leadflowRepairSetup');
      start(next);
      renderBanner(next.fixes);
      progress('Repaired and saved.', 'ok');
      banner.setAttribute('tabindex', '-1');
      banner.focus();
    } catch (e) {
      repairStatus.textContent = `Could not repair: ${errorText(e)}`;
      yes.disabled = no.disabled = false;
      yes.focus();
    }
  });
  banner.replaceChildren(h('div', {},
    h('p', { class: 'lf-banner-title', text: `The saved setup has ${saved.length} problem${saved.length === 1 ? '' : 's'}, so formulas that use LeadFlowSetup show an error. The setup sheet may have been edited by hand.` }),
    h('ul', {}, shown.map((p) => h('li', { text: p.message }))),
    saved.length > shown.length ? h('p', { text: `…and ${saved.length - shown.length} more.` }) : null,
    h('p', { text: 'Fix them below and save, or let LeadFlow repair the sheet.' }),
    repair,
    confirmBox));
  banner.hidden = false;
}

// ---------------------------------------------------------------- save and cancel

async function save(): Promise<void> {
  if (busy) return;
  validateSoon.cancel();
  const setup = currentSetup();
  problems = validateSetup(setup, headers()).problems;
  if (problems.length) {
    failSave(problems);
    return;
  }
  busy = true;
  const button = byId<HTMLButtonElement>('lf-save');
  button.disabled = true;
  byId('lf-app-root').setAttribute('aria-busy', 'true');
  progress('Saving…');
  try {
    const result = await call<SaveResult>('leadflowSaveSetup', { setup });
    if (!result.ok) {
      problems = result.problems;
      failSave(problems);
      return;
    }
    server = { ...server, saved: true, problems: [], setup };
    // Saving what is shown confirms it: the guesses are the user's setup now.
    const confirmed = review ? shownGuesses : 0;
    if (review) {
      review = undefined;
      document.querySelectorAll('.lf-chip-guess').forEach((c) => c.remove());
      renderReview();
      updateSummaries();
    }
    showProblems([]);
    renderBanner();
    const at = new Date();
    progress(`Saved at ${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}. Formulas that use LeadFlowSetup now follow this setup.`, 'ok');
    if (confirmed) announce(`${confirmed} guess${confirmed === 1 ? '' : 'es'} confirmed and saved.`);
  } catch (e) {
    progress(`Not saved: ${errorText(e)}`, 'error');
  } finally {
    busy = false;
    button.disabled = false;
    byId('lf-app-root').removeAttribute('aria-busy');
  }
}

function failSave(list: SetupProblem[]): void {
  const { first } = showProblems(list);
  for (const s of SECTIONS) if (list.some((p) => sectionOfField(p.field) === s)) expand(s);
  progress(`Not saved: ${list.length} problem${list.length === 1 ? '' : 's'} to fix, marked in red.`, 'error');
  if (first) {
    const section = first.closest('section');
    if (section) expand(section.id.replace('sec-', '') as Section);
    if (!first.hasAttribute('tabindex') && !/^(INPUT|SELECT|BUTTON|TEXTAREA)$/.test(first.tagName)) first.setAttribute('tabindex', '-1');
    first.focus();
  }
}

// ---------------------------------------------------------------- start

function renderAll(): void {
  renderSheetFields();
  renderColumnFields();
  renderStageDates();
  renderPreview();
  renderStages();
  renderExits();
  renderUnmatched();
  renderRules();
  renderThresholds();
  renderDayOrder();
  renderReview();
  updateSummaries();
}

function start(state: SetupState): void {
  server = state;
  statusSource = { sheet: '', headerRow: 1, column: '', list: [] };
  readData(state);
  draft = M.draftFromSetup(state.setup);
  hadUnmatched = false;
  review = undefined;
  // A sheet nobody has set up, or a saved setup whose leads sheet is gone: LeadFlow proposes the
  // columns (and, when nothing is saved, the pipeline) from the sheet itself.
  if (!state.saved || !hasColumns(state.setup)) propose(state, !state.saved);
  exact = undefined;
  revision++;
  renderAll();
  renderBanner();
  byId('lf-loading').hidden = true;
  byId('lf-form').hidden = false;
  byId<HTMLButtonElement>('lf-save').disabled = false;
  // The first screen is what LeadFlow guessed; a saved setup opens on its pipeline.
  expand('columns', !review && noHeaders());
  expand('pipeline', !review && !noHeaders());
  expand('scoring', false);
  validateNow();
  checkStatuses();
  progress(review
    ? 'Not saved yet: check what LeadFlow guessed, then confirm and save.'
    : state.saved ? (state.problems.length ? '' : 'Setup loaded.') : 'Not saved yet: choose the columns, then Save.');
}

function wire(): void {
  for (const s of SECTIONS) {
    toggleOf(s).addEventListener('click', () => expand(s, toggleOf(s).getAttribute('aria-expanded') !== 'true'));
  }
  byId<HTMLSelectElement>('lf-sheet').addEventListener('change', (e) => {
    void reloadSheet((e.target as HTMLSelectElement).value, 1);
  });
  const rowInput = byId<HTMLInputElement>('lf-header-row');
  rowInput.addEventListener('change', () => {
    const n = M.numberInput(rowInput.value);
    draft.headerRow = n;
    if (Number.isInteger(n) && n >= 1) void reloadSheet(draft.sheet, n);
    else edited();
  });
  byId('lf-unmatched-show').addEventListener('click', () => {
    const box = byId('lf-notcounted');
    const target = box.querySelector<HTMLElement>('button, select') ?? box;
    if (target === box) box.setAttribute('tabindex', '-1');
    target.focus();
  });
  byId('lf-add-stage').addEventListener('click', () => {
    const s: M.StageDraft = { id: M.newId(), name: M.freeName(draft, 'New stage'), aliases: [], dateColumn: '', flagColumn: '' };
    draft.stages.push(s);
    renderPipelineLists();
    refreshStageDependents();
    const input = document.querySelector<HTMLInputElement>(`[data-key="stage-${s.id}-name"]`);
    input?.focus();
    input?.select();
    announce(`Stage ${s.name} added at the end.`);
    edited();
  });
  byId('lf-add-exit').addEventListener('click', () => {
    const last = draft.stages[draft.stages.length - 1];
    const e: M.ExitDraft = { id: M.newId(), name: M.freeName(draft, 'New exit'), aliases: [], from: last ? last.id : '', removes: true };
    draft.exits.push(e);
    renderPipelineLists();
    renderUnmatched();
    const input = document.querySelector<HTMLInputElement>(`[data-key="exit-${e.id}-name"]`);
    input?.focus();
    input?.select();
    announce(`Exit ${e.name} added.`);
    edited();
  });
  // Alt+ArrowUp / Alt+ArrowDown anywhere in a stage moves it.
  byId('lf-stages').addEventListener('keydown', (e) => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    const li = (e.target as HTMLElement).closest<HTMLElement>('li.lf-item');
    if (!li) return;
    e.preventDefault();
    const index = draft.stages.findIndex((s) => String(s.id) === li.dataset.id);
    if (index >= 0) moveStage(index, e.key === 'ArrowUp' ? -1 : 1);
  });
  const num = (id: string, set: (n: number) => void) => {
    const el = byId<HTMLInputElement>(id);
    el.addEventListener('input', () => { set(M.numberInput(el.value)); edited(); });
  };
  num('lf-caps-fit', (n) => { draft.caps.fit = n; });
  num('lf-caps-intent', (n) => { draft.caps.intent = n; });
  num('lf-mql-fit', (n) => { draft.mql.fit = n; });
  num('lf-mql-intent', (n) => { draft.mql.intent = n; });
  num('lf-sql-fit', (n) => { draft.sql.fit = n; });
  num('lf-sql-intent', (n) => { draft.sql.intent = n; });
  num('lf-warm', (n) => { draft.temperature.warm = n; });
  num('lf-hot', (n) => { draft.temperature.hot = n; });
  num('lf-inactive', (n) => { draft.inactiveDays = n; });
  byId('lf-preset-use').addEventListener('click', openPreset);
  const addRule = (g: 'fit' | 'intent') => () => {
    const r = M.newRule(g, headers());
    draft.rules.push(r);
    renderRules();
    focusKey(`rule-${r.id}-column`);
    announce(`${g === 'fit' ? 'Fit' : 'Intent'} rule added.`);
    edited();
  };
  byId('lf-add-fit').addEventListener('click', addRule('fit'));
  byId('lf-add-intent').addEventListener('click', addRule('intent'));
  byId('lf-save').addEventListener('click', () => void save());
  byId('lf-cancel').addEventListener('click', () => google.script.host.close());
  renderPresetSelect();
}

wire();
call<SetupState>('leadflowSetupState', {}).then(start, (e) => {
  const loading = byId('lf-loading');
  loading.textContent = `LeadFlow could not read this spreadsheet: ${errorText(e)}`;
  loading.className = 'error lf-loading';
});
