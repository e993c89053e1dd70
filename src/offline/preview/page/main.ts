/**
 * The preview's editor page: menu bar (Extensions ▸ LeadFlow, built by the add-on's onOpen),
 * formula bar, the grid, sheet tabs, the add-on's sidebar and dialogs (in iframes, with
 * google.script.run bridged through window.leadflowPreview), toasts, and the alerts and prompts
 * server code asks (answered, then the code is run again with the answers: see ../session.ts).
 * Sheet data is only ever written with textContent.
 */
import { ApiError, cellA1, get, post } from './api';
import type { ActionResult, Answer, CellView, PendingDialog, PreviewEvent, StateView } from './api';
import type { RunOutcome } from './bridge';
import { ChartLayer } from './charts';
import type { PreviewParent } from './frame';
import { Grid } from './grid';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const els = {
  docName: $('doc-name'),
  docInfo: $('doc-info'),
  menubar: $('menubar'),
  nameBox: $<HTMLInputElement>('name-box'),
  formula: $<HTMLInputElement>('formula-input'),
  cellError: $('cell-error'),
  tabs: $('tabs'),
  status: $('status'),
  toasts: $('toasts'),
  sidebar: $('sidebar'),
  sidebarTitle: $('sidebar-title'),
  sidebarFrame: $<HTMLIFrameElement>('sidebar-frame'),
  sidebarClose: $('sidebar-close'),
  dialogLayer: $('dialog-layer'),
  dialog: $('dialog'),
  dialogTitle: $('dialog-title'),
  dialogFrame: $<HTMLIFrameElement>('dialog-frame'),
  dialogClose: $('dialog-close'),
  alertLayer: $('alert-layer'),
  alertTitle: $('alert-title'),
  alertPrompt: $('alert-prompt'),
  alertInput: $<HTMLInputElement>('alert-input'),
  alertButtons: $('alert-buttons'),
};

let state: StateView | undefined;
let lastSeq = 0;
let sidebarFrameId = 0;
let dialogFrameId = 0;
let busy = 0;

function setStatus(text: string): void {
  els.status.textContent = text;
}

/** Runs work with the page marked busy (body[data-busy]); a label, if given, shows in the status bar. */
async function busyWhile<T>(label: string | undefined, work: () => Promise<T>): Promise<T> {
  busy++;
  if (label !== undefined) setStatus(label);
  document.body.dataset.busy = 'true';
  try {
    return await work();
  } finally {
    if (--busy === 0) {
      setStatus('');
      delete document.body.dataset.busy;
    }
  }
}

// --- grid and formula bar ---------------------------------------------------------------------

const formulaBar = { row: 1, col: 1, original: '' };

function showSelection(row: number, col: number, cell: CellView | undefined): void {
  els.nameBox.value = cellA1(row, col);
  if (!grid.isEditing() && document.activeElement !== els.formula) {
    formulaBar.row = row;
    formulaBar.col = col;
    formulaBar.original = grid.inputOf(cell);
    els.formula.value = formulaBar.original;
  }
  if (cell?.t === 'e' && cell.e) {
    els.cellError.textContent = cell.e;
    els.cellError.hidden = false;
  } else {
    els.cellError.hidden = true;
    els.cellError.textContent = '';
  }
  scheduleActivate(row, col);
}

let activateTimer: ReturnType<typeof setTimeout> | undefined;
let pendingActivate: { sheet: string; row: number; col: number } | undefined;

/** Tells the server which cell is active (add-on code may read getActiveRange()). */
function scheduleActivate(row: number, col: number): void {
  const sheet = grid.sheet?.name;
  if (!sheet) return;
  pendingActivate = { sheet, row, col };
  clearTimeout(activateTimer);
  activateTimer = setTimeout(() => void flushActivate(), 150);
}

/** Sends a pending selection now: server code run next must see it (and not have it arrive after). */
async function flushActivate(): Promise<void> {
  clearTimeout(activateTimer);
  const body = pendingActivate;
  pendingActivate = undefined;
  if (body) await post('/api/activate', body).catch(() => undefined);
}

async function commitCell(row: number, col: number, input: string): Promise<void> {
  const sheet = grid.sheet?.name;
  if (!sheet) return;
  await flushActivate();
  const result = await busyWhile('Calculating…', () => post<ActionResult>('/api/cell', { sheet, row, col, input })).catch(report);
  if (!result) return;
  if (result.outcome && !result.outcome.ok) showToast({ title: 'Could not change the cell', message: result.outcome.error.message, error: true });
  await apply(result);
}

// The charts floating over the sheet, at their anchor cells: fetched again whenever the sheet may have changed.
const charts = new ChartLayer($('chart-layer'), (row, col) => grid.anchorPoint(row, col));

const grid = new Grid({
  onSelect: showSelection,
  onCommit: commitCell,
  onEditorInput: (text) => { els.formula.value = text; },
  onLayout: () => charts.position(),
});

function loadCharts(sheet: string): void {
  // Counted as busy: whoever waits for the page to settle sees the charts drawn.
  void busyWhile(undefined, () => charts.load(sheet)).catch(report);
}

els.formula.addEventListener('focus', () => {
  formulaBar.row = grid.row;
  formulaBar.col = grid.col;
  formulaBar.original = els.formula.value;
});
els.formula.addEventListener('input', () => grid.setEditorText(els.formula.value));
els.formula.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === 'Tab') {
    e.preventDefault();
    const { row, col } = formulaBar;
    const text = els.formula.value;
    formulaBar.original = text;
    const next = () => grid.select(e.key === 'Enter' ? row + 1 : row, e.key === 'Tab' ? col + 1 : col);
    grid.el.focus({ preventScroll: true });
    if (grid.isEditing()) void grid.commitEdit(e.key === 'Enter' ? 1 : 0, e.key === 'Tab' ? 1 : 0, text);
    else void commitCell(row, col, text).then(next);
  } else if (e.key === 'Escape') {
    e.preventDefault();
    els.formula.value = formulaBar.original;
    if (grid.isEditing()) grid.cancelEdit();
    grid.el.focus({ preventScroll: true });
  }
});
els.formula.addEventListener('blur', () => {
  if (!grid.isEditing() && els.formula.value !== formulaBar.original) {
    const { row, col } = formulaBar;
    formulaBar.original = els.formula.value;
    void commitCell(row, col, els.formula.value);
  }
});

// --- state: title, tabs, menus ----------------------------------------------------------------

function applyState(next: StateView): void {
  const previousActive = state?.activeSheet;
  state = next;
  els.docName.textContent = next.spreadsheet.name;
  const source = next.source === 'sample' ? 'Generated sample leads' : next.source === 'rows' ? 'Rows given to startPreview' : `Leads from ${next.source}`;
  els.docInfo.textContent = `${source} · ${next.spreadsheet.timeZone}`;
  renderTabs();
  renderMenubar();
  const active = next.sheets.find((s) => s.name === next.activeSheet) ?? next.sheets[0];
  if (!active) return;
  if (active.name !== grid.sheet?.name || previousActive !== next.activeSheet) grid.setSheet(active);
  else grid.refresh(active);
  loadCharts(active.name);
}

function renderTabs(): void {
  if (!state) return;
  const tabs = state.sheets.filter((s) => !s.hidden).map((s) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'tab';
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-selected', String(s.name === state!.activeSheet));
    b.textContent = s.name;
    if (s.tabColor) b.style.borderTopColor = s.tabColor;
    b.addEventListener('click', () => void switchSheet(s.name));
    return b;
  });
  els.tabs.replaceChildren(...tabs);
}

async function switchSheet(name: string): Promise<void> {
  if (grid.isEditing()) await grid.commitEdit(0, 0);
  pendingActivate = undefined;
  clearTimeout(activateTimer);
  const next = await post<StateView>('/api/activate', { sheet: name }).catch(report);
  if (next) {
    applyState(next);
    await catchUp();
  }
  grid.el.focus({ preventScroll: true });
}

// --- menus ------------------------------------------------------------------------------------

type MenuEntry = StateView['menus'][number]['items'][number];
let openMenu: { button: HTMLElement; list: HTMLElement } | undefined;

function closeMenus(): void {
  if (!openMenu) return;
  openMenu.button.setAttribute('aria-expanded', 'false');
  openMenu.list.remove();
  openMenu = undefined;
}

document.addEventListener('mousedown', (e) => {
  if (openMenu && !openMenu.list.contains(e.target as Node) && !openMenu.button.contains(e.target as Node)) closeMenus();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && openMenu) {
    closeMenus();
    grid.el.focus({ preventScroll: true });
  }
});

let renderedMenus = '';

function renderMenubar(): void {
  if (!state) return;
  // Rebuild only when the add-on changed its menus (an open menu stays open otherwise).
  const key = JSON.stringify(state.menus);
  if (key === renderedMenus) return;
  renderedMenus = key;
  closeMenus();
  const buttons: HTMLElement[] = [];
  const addMenu = (label: string, build: () => HTMLElement) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'menubar-button';
    b.textContent = label;
    b.setAttribute('role', 'menuitem');
    b.setAttribute('aria-haspopup', 'true');
    b.setAttribute('aria-expanded', 'false');
    b.addEventListener('click', () => {
      const wasOpen = openMenu?.button === b;
      closeMenus();
      if (wasOpen) return;
      const list = build();
      list.style.left = `${b.offsetLeft}px`;
      list.style.top = `${b.offsetTop + b.offsetHeight + 2}px`;
      els.menubar.append(list);
      b.setAttribute('aria-expanded', 'true');
      openMenu = { button: b, list };
      (list.querySelector('[role="menuitem"]') as HTMLElement | null)?.focus();
    });
    buttons.push(b);
  };
  const addon = state.menus.filter((m) => m.kind === 'addon');
  addMenu('Extensions', () => {
    const list = menuList();
    if (addon.length === 0) {
      const hint = document.createElement('div');
      hint.className = 'hint';
      hint.textContent = 'The add-on has not added a menu (its onOpen did not call createAddonMenu().addToUi()).';
      list.append(hint);
    }
    for (const m of addon) list.append(submenuEntry(m.title, m.items));
    return list;
  });
  // Top-level menus made with Ui.createMenu(title) sit after Help in Sheets.
  for (const m of state.menus.filter((x) => x.kind === 'menu')) {
    addMenu(m.title, () => {
      const list = menuList();
      fillMenu(list, m.items);
      return list;
    });
  }
  els.menubar.replaceChildren(...buttons);
}

function menuList(): HTMLElement {
  const list = document.createElement('div');
  list.className = 'menu';
  list.setAttribute('role', 'menu');
  list.addEventListener('keydown', (e) => {
    const items = Array.from(list.querySelectorAll<HTMLElement>(':scope > .entry > [role="menuitem"]'));
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  });
  return list;
}

function fillMenu(list: HTMLElement, items: MenuEntry[]): void {
  for (const item of items) {
    if (item.kind === 'separator') {
      const sep = document.createElement('div');
      sep.className = 'separator';
      sep.setAttribute('role', 'separator');
      list.append(sep);
    } else if (item.kind === 'submenu') {
      list.append(submenuEntry(item.caption, item.items));
    } else {
      const wrap = document.createElement('div');
      wrap.className = 'entry';
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('role', 'menuitem');
      b.textContent = item.caption;
      b.dataset.function = item.functionName;
      b.addEventListener('click', () => {
        closeMenus();
        void runMenu(item.caption, item.functionName);
      });
      wrap.append(b);
      list.append(wrap);
    }
  }
}

function submenuEntry(caption: string, items: MenuEntry[]): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = 'entry';
  wrap.style.position = 'relative';
  const b = document.createElement('button');
  b.type = 'button';
  b.setAttribute('role', 'menuitem');
  b.setAttribute('aria-haspopup', 'true');
  b.setAttribute('aria-expanded', 'false');
  const label = document.createElement('span');
  label.textContent = caption;
  const arrow = document.createElement('span');
  arrow.className = 'arrow';
  arrow.textContent = '▸';
  b.append(label, arrow);
  let sub: HTMLElement | undefined;
  const open = () => {
    if (sub) return;
    for (const other of Array.from(wrap.parentElement?.querySelectorAll<HTMLElement>(':scope > .entry > .menu') ?? [])) {
      other.previousElementSibling?.setAttribute('aria-expanded', 'false');
      other.remove();
    }
    sub = menuList();
    fillMenu(sub, items);
    sub.style.left = '100%';
    sub.style.top = '-6px';
    wrap.append(sub);
    b.setAttribute('aria-expanded', 'true');
    const observer = new MutationObserver(() => {
      if (sub && !sub.isConnected) {
        sub = undefined;
        observer.disconnect();
      }
    });
    observer.observe(wrap, { childList: true });
  };
  b.addEventListener('click', open);
  b.addEventListener('mouseenter', open);
  b.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight' || e.key === 'Enter') {
      e.preventDefault();
      open();
      (sub?.querySelector('[role="menuitem"]') as HTMLElement | null)?.focus();
    }
  });
  wrap.append(b);
  return wrap;
}

// --- running server code (menus, google.script.run) -------------------------------------------

/**
 * Runs server code, answering the alerts and prompts it stops at: each answer is added and the
 * code runs again from the start (see ../session.ts).
 */
async function withAnswers(send: (answers: Answer[]) => Promise<ActionResult>): Promise<ActionResult> {
  const answers: Answer[] = [];
  for (;;) {
    const result = await send(answers);
    if (!result.pending) return result;
    applyState(result.state);
    answers.push(await ask(result.pending));
  }
}

async function runMenu(caption: string, functionName: string): Promise<void> {
  if (grid.isEditing()) await grid.commitEdit(0, 0);
  await flushActivate();
  const result = await busyWhile(`Running ${caption}…`, () =>
    withAnswers((answers) => post<ActionResult>('/api/menu', { functionName, answers })),
  ).catch(report);
  if (result) await apply(result);
  if (els.dialogLayer.hidden && document.activeElement?.closest('iframe') == null) grid.el.focus({ preventScroll: true });
}

async function runFromFrame(name: string, args: unknown[]): Promise<RunOutcome> {
  try {
    await flushActivate();
    const result = await busyWhile(`Running ${name}…`, () => withAnswers((answers) => post<ActionResult>('/api/run', { name, args, answers })));
    await apply(result);
    return result.outcome ?? { ok: false, error: { message: 'The call did not finish.' } };
  } catch (e) {
    return { ok: false, error: { message: (e as Error).message } };
  }
}

async function apply(result: ActionResult): Promise<void> {
  applyState(result.state);
  handleEvents(result.events);
  await catchUp();
}

/** Events the page has not seen (e.g. from a sidebar opened on its own). */
async function catchUp(): Promise<void> {
  if (!state || state.seq <= lastSeq) return;
  const { events } = await get<{ events: PreviewEvent[] }>('/api/events', { after: lastSeq });
  handleEvents(events);
}

function handleEvents(events: PreviewEvent[]): void {
  for (const ev of events) {
    if (ev.seq <= lastSeq) continue;
    lastSeq = ev.seq;
    if (ev.type === 'toast') showToast({ title: ev.title, message: ev.message, timeoutSeconds: ev.timeoutSeconds });
    else if (ev.type === 'error') showToast({ title: ev.title, message: ev.message, error: true });
    else if (ev.type === 'sidebar') showSidebar(ev.frame, ev.title);
    else if (ev.type === 'dialog') showDialog(ev.frame, ev.title, ev.width, ev.height, ev.modal);
  }
}

function report(e: unknown): undefined {
  const message = e instanceof ApiError || e instanceof Error ? e.message : String(e);
  showToast({ title: 'Preview error', message, error: true });
  return undefined;
}

// --- toasts, sidebar, dialogs, alerts -----------------------------------------------------------

function showToast(t: { title: string; message: string; timeoutSeconds?: number; error?: boolean }): void {
  const box = document.createElement('div');
  box.className = t.error ? 'toast error' : 'toast';
  box.setAttribute('role', t.error ? 'alert' : 'status');
  if (t.title) {
    const title = document.createElement('div');
    title.className = 'toast-title';
    title.textContent = t.title;
    box.append(title);
  }
  const message = document.createElement('div');
  message.className = 'toast-message';
  message.textContent = t.message;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'icon-button';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  close.addEventListener('click', () => box.remove());
  box.append(message, close);
  els.toasts.append(box);
  while (els.toasts.children.length > 4) els.toasts.firstElementChild!.remove();
  // Toast timeouts are in seconds; a negative one stays until dismissed. Errors stay too.
  const seconds = t.error ? -1 : t.timeoutSeconds ?? 5;
  if (seconds > 0) setTimeout(() => box.remove(), seconds * 1000);
}

function showSidebar(frame: number, title: string): void {
  sidebarFrameId = frame;
  els.sidebarTitle.textContent = title || 'Add-on';
  els.sidebarFrame.src = `/frame/${frame}`;
  els.sidebar.hidden = false;
  grid.schedule();
}

function closeSidebar(): void {
  els.sidebar.hidden = true;
  els.sidebarFrame.src = 'about:blank';
  sidebarFrameId = 0;
  grid.schedule();
}

function showDialog(frame: number, title: string, width: number | null, height: number | null, modal: boolean): void {
  dialogFrameId = frame;
  els.dialogTitle.textContent = title;
  els.dialogLayer.classList.toggle('modeless', !modal);
  sizeDialog(width ?? 600, height ?? 400);
  els.dialogFrame.src = `/frame/${frame}`;
  els.dialogLayer.hidden = false;
}

function sizeDialog(width?: number, height?: number): void {
  if (width !== undefined) els.dialog.style.width = `${width}px`;
  if (height !== undefined) els.dialogFrame.style.height = `${height}px`;
}

function closeDialog(): void {
  els.dialogLayer.hidden = true;
  els.dialogFrame.src = 'about:blank';
  dialogFrameId = 0;
}

els.sidebarClose.addEventListener('click', closeSidebar);
els.dialogClose.addEventListener('click', closeDialog);

const BUTTON_LABELS: Record<string, string> = { OK: 'OK', CANCEL: 'Cancel', YES: 'Yes', NO: 'No' };

/** Shows an alert or prompt and resolves with the user's answer. */
function ask(dialog: PendingDialog): Promise<Answer> {
  return new Promise((resolve) => {
    els.alertTitle.textContent = dialog.title;
    els.alertPrompt.textContent = dialog.prompt;
    els.alertInput.hidden = dialog.type !== 'prompt';
    els.alertInput.value = '';
    const done = (button: string) => {
      els.alertLayer.hidden = true;
      els.alertLayer.removeEventListener('keydown', onKey);
      resolve(dialog.type === 'prompt' ? { button, text: els.alertInput.value } : { button });
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        done('CLOSE');
      } else if (e.key === 'Enter' && e.target === els.alertInput) {
        e.preventDefault();
        done(dialog.choices[0]);
      }
    };
    const buttons = dialog.choices.map((choice, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = BUTTON_LABELS[choice] ?? choice;
      b.dataset.button = choice;
      if (i === 0) b.className = 'primary';
      b.addEventListener('click', () => done(choice));
      return b;
    });
    // Sheets puts the affirmative button last.
    els.alertButtons.replaceChildren(...buttons.reverse());
    els.alertLayer.addEventListener('keydown', onKey);
    els.alertLayer.hidden = false;
    (dialog.type === 'prompt' ? els.alertInput : buttons[buttons.length - 1]).focus();
  });
}

// --- what add-on pages call (frame.ts) ------------------------------------------------------------

const parentApi: PreviewParent = {
  run: runFromFrame,
  closeFrame(id) {
    if (id === sidebarFrameId) closeSidebar();
    if (id === dialogFrameId) closeDialog();
  },
  resizeFrame(id, size) {
    if (id === dialogFrameId) sizeDialog(size.width, size.height);
  },
  focusEditor() {
    grid.el.focus({ preventScroll: true });
  },
};
window.leadflowPreview = parentApi;

// --- start ----------------------------------------------------------------------------------------

async function start(): Promise<void> {
  const first = await get<StateView>('/api/state');
  // A page (re)loaded starts like a freshly opened spreadsheet: panels and toasts shown before are
  // not replayed.
  lastSeq = first.seq;
  applyState(first);
  document.body.dataset.ready = 'true';
  grid.el.focus({ preventScroll: true });
}

start().catch(report);
