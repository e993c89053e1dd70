/**
 * The sheet grid: a table that only ever holds the rows in view (plus a few), fetched from the
 * server in blocks of BLOCK rows, so a 100,000-row export scrolls as lightly as 600 rows. Frozen
 * rows stay in the sticky header. Every cell value is written with textContent.
 *
 * Selecting a cell shows its formula (or value) in the formula bar and an error cell's message
 * under it; typing, Enter, F2 or a double-click edit the cell in place; Enter/Tab commit and move,
 * Escape cancels, Delete clears. A checkbox cell shows a checkbox: a click or Space ticks or
 * unticks it (typing TRUE or FALSE, or the validation's own values, into the cell).
 *
 * Cells show their fill, font colour, italics and alignment, and the conditional formats that
 * hold for them (the server works those out). Columns are as wide as the script set them, and
 * 100 px otherwise, as in Sheets; a sheet whose script set no width (an export, the sample) gets
 * columns that fit its first rows instead, to be readable.
 */
import { cellA1, columnLetter, get } from './api';
import type { CellView, CellWindow, SheetView } from './api';

const BLOCK = 100;
const OVERSCAN = 6;
const DEFAULT_WIDTH = 100;
const ROW_HEADER_WIDTH = 46;
/** Browsers cap element heights (~16-33M px); past this the scroll distance is scaled. */
const MAX_SCROLL_PX = 8_000_000;
/** Columns shown at most (the API serves up to 200 per window). */
const MAX_COLUMNS = 200;

export interface GridHooks {
  /** A new cell was selected. */
  onSelect(row: number, col: number, cell: CellView | undefined): void;
  /** The user typed `input` into a cell; resolve once the sheet has it. */
  onCommit(row: number, col: number, input: string): Promise<void>;
  /** The cell editor's text changed (to mirror it in the formula bar). */
  onEditorInput(text: string): void;
  /** Rows and columns were laid out again (floating charts follow their anchor cells). */
  onLayout?(): void;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class Grid {
  readonly el = $<HTMLElement>('grid');
  private readonly table = $<HTMLTableElement>('cells');
  private readonly colgroup = $<HTMLElement>('cols');
  private readonly head = $<HTMLElement>('grid-head');
  private readonly body = $<HTMLElement>('grid-body');
  private readonly editor = $<HTMLInputElement>('cell-editor');
  private readonly tip = document.createElement('div');

  sheet: SheetView | undefined;
  row = 1;
  col = 1;
  private blocks = new Map<number, CellView[][]>();
  private stale = new Map<number, CellView[][]>();
  private loading = new Map<number, number>();
  private generation = 0;
  private widths: number[] = [];
  private headerWidth = ROW_HEADER_WIDTH;
  private readonly autoWidths = new Map<string, number[]>();
  private rowHeight = 21;
  private measured = false;
  private frame = 0;
  private editing: { row: number; col: number } | undefined;
  private committing = false;

  constructor(private readonly hooks: GridHooks) {
    this.tip.className = 'cell-tip';
    this.tip.hidden = true;
    document.body.append(this.tip);
    this.el.addEventListener('scroll', () => this.schedule());
    window.addEventListener('resize', () => this.schedule());
    this.table.addEventListener('mousedown', (e) => this.onMouseDown(e));
    // A checkbox changes on mousedown (see onMouseDown), never by the browser's own click.
    this.table.addEventListener('click', (e) => {
      if ((e.target as HTMLElement | null)?.closest?.('input.cb')) e.preventDefault();
    });
    this.table.addEventListener('dblclick', (e) => {
      const at = this.cellOf(e.target);
      if (at) this.startEdit();
    });
    this.table.addEventListener('mouseover', (e) => this.onHover(e));
    this.table.addEventListener('mouseleave', () => { this.tip.hidden = true; });
    this.el.addEventListener('keydown', (e) => this.onKey(e));
    this.editor.addEventListener('keydown', (e) => this.onEditorKey(e));
    this.editor.addEventListener('input', () => this.hooks.onEditorInput(this.editor.value));
    this.editor.addEventListener('blur', () => {
      if (this.editing && !this.committing) void this.commitEdit(0, 0);
    });
  }

  get rows(): number {
    return this.sheet ? Math.max(this.sheet.maxRows, this.sheet.lastRow, 1) : 0;
  }

  get columns(): number {
    return this.sheet ? Math.min(Math.max(this.sheet.maxColumns, this.sheet.lastColumn, 1), MAX_COLUMNS) : 0;
  }

  private get frozen(): number {
    return this.sheet ? Math.min(this.sheet.frozenRows, this.rows) : 0;
  }

  /** Shows a sheet (a new one: scroll to the top and select A1 unless told otherwise). */
  setSheet(sheet: SheetView, keepPosition = false): void {
    const same = this.sheet?.name === sheet.name;
    this.sheet = sheet;
    if (!same) {
      this.cancelEdit();
      this.blocks.clear();
      this.stale.clear();
      this.loading.clear();
      this.generation++;
      if (!keepPosition) {
        this.row = Math.min(this.frozen + 1, this.rows) || 1;
        this.col = 1;
        this.el.scrollTop = 0;
        this.el.scrollLeft = 0;
      }
    }
    this.layoutColumns();
    this.render();
    this.notifySelect();
  }

  /** The sheet changed on the server: fetch what is in view again (old values show meanwhile). */
  refresh(sheet?: SheetView): void {
    if (sheet) this.sheet = sheet;
    for (const [k, v] of this.blocks) this.stale.set(k, v);
    this.blocks.clear();
    this.loading.clear();
    this.generation++;
    this.layoutColumns();
    this.render();
  }

  cell(row: number, col: number): CellView | undefined {
    const b = Math.floor((row - 1) / BLOCK);
    const block = this.blocks.get(b) ?? this.stale.get(b);
    return block?.[row - 1 - b * BLOCK]?.[col - 1];
  }

  /** What the editor starts with for a cell: its formula, raw number, or shown text. */
  inputOf(cell: CellView | undefined): string {
    return cell?.f ?? cell?.i ?? cell?.v ?? '';
  }

  // --- columns ------------------------------------------------------------------------------

  private layoutColumns(): void {
    const sheet = this.sheet;
    if (!sheet) return;
    // Widths the script set mean the sheet is laid out as in Sheets: the others are 100 px there.
    const auto = Object.keys(sheet.columnWidths).length ? undefined : this.autoWidths.get(sheet.name);
    this.widths = Array.from({ length: this.columns }, (_, i) => sheet.columnWidths[i + 1] ?? auto?.[i] ?? DEFAULT_WIDTH);
    this.headerWidth = Math.max(ROW_HEADER_WIDTH, String(this.rows).length * 8 + 14);
    const header = document.createElement('col');
    header.style.width = `${this.headerWidth}px`;
    const cols = [header];
    for (const w of this.widths) {
      const col = document.createElement('col');
      col.style.width = `${w}px`;
      cols.push(col);
    }
    this.colgroup.replaceChildren(...cols);
    // table-layout: fixed only holds the columns to these widths when the table's width is set.
    this.table.style.width = `${this.headerWidth + this.widths.reduce((a, b) => a + b, 0)}px`;
    this.hooks.onLayout?.();
  }

  /**
   * The top-left corner of a cell in the grid's scrolling content (where a chart anchored there
   * goes), or undefined for a column past those shown.
   */
  anchorPoint(row: number, col: number): { x: number; y: number } | undefined {
    if (!this.sheet || col < 1 || row < 1 || col > this.columns) return undefined;
    let x = this.headerWidth;
    for (let c = 1; c < col; c++) x += this.widths[c - 1] ?? DEFAULT_WIDTH;
    const letters = (this.head.firstElementChild as HTMLElement | null)?.offsetHeight || this.rowHeight;
    const frozen = this.frozen;
    if (row <= frozen) return { x, y: letters + (row - 1) * this.rowHeight };
    const head = this.head.offsetHeight || letters + frozen * this.rowHeight;
    return { x, y: head + ((row - frozen - 1) * this.rowHeight) / this.scale() };
  }

  /** Widths that fit the first rows' text (once per sheet; Sheets would show 100 px columns). */
  private fitColumns(block: CellView[][]): void {
    const sheet = this.sheet;
    if (!sheet || this.autoWidths.has(sheet.name)) return;
    const ctx = document.createElement('canvas').getContext('2d');
    const font = getComputedStyle(this.table).fontFamily || 'Arial';
    const measure = (text: string, bold: boolean) => {
      if (!ctx) return text.length * 7.5;
      ctx.font = `${bold ? 'bold ' : ''}13px ${font}`;
      return ctx.measureText(text).width;
    };
    const widths = Array.from({ length: this.columns }, (_, c) => {
      let longest = 0;
      for (const line of block.slice(0, 60)) {
        const cell = line[c];
        if (cell?.v) longest = Math.max(longest, measure(cell.v, !!cell.w));
      }
      return Math.round(Math.min(320, Math.max(DEFAULT_WIDTH, longest + 14)));
    });
    this.autoWidths.set(sheet.name, widths);
    this.layoutColumns();
  }

  // --- rendering ----------------------------------------------------------------------------

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private scale(): number {
    const bodyRows = this.rows - this.frozen;
    return Math.max(1, (bodyRows * this.rowHeight) / MAX_SCROLL_PX);
  }

  /** The first and last scrolling rows to draw. */
  private visibleRows(): [number, number] {
    const frozen = this.frozen;
    const headHeight = this.head.offsetHeight || this.rowHeight * (1 + frozen);
    const view = Math.max(this.el.clientHeight - headHeight, this.rowHeight * 10);
    const first = Math.max(frozen + 1, frozen + 1 + Math.floor((this.el.scrollTop * this.scale()) / this.rowHeight) - OVERSCAN);
    const last = Math.min(this.rows, first + Math.ceil(view / this.rowHeight) + 2 * OVERSCAN);
    return [first, last];
  }

  render(): void {
    const sheet = this.sheet;
    if (!sheet) return;
    const frozen = this.frozen;
    const [first, last] = this.visibleRows();
    this.ensure(1, frozen);
    this.ensure(first, last);

    // Header: column letters, then the frozen rows (sticky).
    const letters = document.createElement('tr');
    letters.append(this.th('', 'corner'));
    for (let c = 1; c <= this.columns; c++) {
      const th = this.th(columnLetter(c), c === this.col ? 'col-selected' : '');
      th.dataset.col = String(c);
      letters.append(th);
    }
    const headRows = [letters];
    for (let r = 1; r <= frozen; r++) {
      const tr = this.rowElement(r);
      tr.classList.add('frozen');
      if (r === frozen) tr.classList.add('last');
      headRows.push(tr);
    }
    this.head.replaceChildren(...headRows);
    // Sticky offsets of the header rows (each below the previous).
    let top = 0;
    for (const tr of headRows) {
      for (const cell of Array.from(tr.children) as HTMLElement[]) cell.style.top = `${top}px`;
      top += tr.offsetHeight || this.rowHeight;
    }

    const rows: HTMLTableRowElement[] = [];
    const topSpace = ((first - frozen - 1) * this.rowHeight) / this.scale();
    rows.push(this.spacer(topSpace));
    for (let r = first; r <= last; r++) rows.push(this.rowElement(r));
    const total = ((this.rows - frozen) * this.rowHeight) / this.scale();
    rows.push(this.spacer(Math.max(0, total - topSpace - (last - first + 1) * this.rowHeight)));
    this.body.replaceChildren(...rows);

    if (!this.measured && rows.length > 2) {
      const h = rows[1].getBoundingClientRect().height;
      if (h > 0) {
        this.measured = true;
        if (Math.abs(h - this.rowHeight) > 0.5) {
          this.rowHeight = h;
          this.render();
          return;
        }
      }
    }
    if (this.editing) this.placeEditor();
    this.hooks.onLayout?.();
  }

  private th(text: string, cls: string): HTMLTableCellElement {
    const th = document.createElement('th');
    th.textContent = text;
    if (cls) th.className = cls;
    return th;
  }

  private spacer(height: number): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.className = 'spacer-row';
    const td = document.createElement('td');
    td.className = 'spacer';
    td.colSpan = this.columns + 1;
    td.style.height = `${Math.max(0, height)}px`;
    tr.append(td);
    return tr;
  }

  private rowElement(r: number): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.row = String(r);
    const rh = this.th(String(r), r === this.row ? 'rh row-selected' : 'rh');
    tr.append(rh);
    for (let c = 1; c <= this.columns; c++) {
      const cell = this.cell(r, c);
      const td = document.createElement('td');
      td.dataset.cell = cellA1(r, c);
      if (cell?.cb) {
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.className = 'cb';
        box.tabIndex = -1;
        box.checked = cell.cb.checked;
        box.setAttribute('aria-label', `${cellA1(r, c)}: ${cell.cb.checked ? 'ticked' : 'not ticked'}`);
        td.append(box);
        td.classList.add('cbx');
      } else if (cell) {
        if (cell.v !== undefined) {
          // Left-aligned text runs on over empty cells to its right, as in Sheets (frozen rows
          // too: a built sheet's notes sit there); text aligned right or centred stays in its cell.
          const room = cell.t === undefined && (!cell.al || cell.al === 'left') ? this.overflowWidth(r, c) : 0;
          if (room > 0) {
            const span = document.createElement('span');
            span.className = 'overflow';
            span.style.width = `${room}px`;
            span.textContent = cell.v;
            td.append(span);
            td.classList.add('ov');
          } else {
            td.textContent = cell.v;
          }
        }
      }
      if (cell) {
        const cls = [cell.cb ? '' : cell.t ?? '', cell.w ? 'w' : '', cell.it ? 'it' : '', cell.st ? 'st' : '', cell.un ? 'un' : ''].filter(Boolean);
        if (cls.length) td.classList.add(...cls);
        if (cell.t === 'e') td.setAttribute('aria-invalid', 'true');
        if (cell.bg) td.style.backgroundColor = cell.bg;
        if (cell.fc) td.style.color = cell.fc;
        if (cell.al) td.style.textAlign = cell.al;
      }
      if (r === this.row && c === this.col) td.classList.add('sel');
      tr.append(td);
    }
    return tr;
  }

  /** Pixels a text cell may use when the cells to its right are empty (0 when the next one is not). */
  private overflowWidth(r: number, c: number): number {
    let width = this.widths[c - 1] ?? DEFAULT_WIDTH;
    let k = c + 1;
    for (; k <= this.columns && width < 2000; k++) {
      const next = this.cell(r, k);
      if ((next?.v !== undefined && next.v !== '') || next?.cb) break;
      width += this.widths[k - 1] ?? DEFAULT_WIDTH;
    }
    return k === c + 1 ? 0 : width - 9;
  }

  /** Fetches the blocks covering rows first..last that are not loaded yet. */
  private ensure(first: number, last: number): void {
    const sheet = this.sheet;
    if (!sheet || last < first) return;
    for (let b = Math.floor((first - 1) / BLOCK); b <= Math.floor((last - 1) / BLOCK); b++) {
      if (this.blocks.has(b) || this.loading.get(b) === this.generation) continue;
      const startRow = b * BLOCK + 1;
      if (startRow > sheet.lastRow) {
        this.blocks.set(b, []);
        continue;
      }
      const generation = this.generation;
      this.loading.set(b, generation);
      get<CellWindow>('/api/cells', { sheet: sheet.name, row: startRow, rows: BLOCK, col: 1, cols: this.columns })
        .then((win) => {
          if (generation !== this.generation || this.sheet?.name !== sheet.name) return;
          this.blocks.set(b, win.cells);
          this.stale.delete(b);
          this.loading.delete(b);
          if (b === 0) this.fitColumns(win.cells);
          this.schedule();
          if (b === Math.floor((this.row - 1) / BLOCK)) this.notifySelect();
        })
        .catch((e) => {
          this.loading.delete(b);
          console.error(e);
        });
    }
  }

  /** Ticks or unticks a checkbox cell: shown at once, then typed into the cell like any input. */
  toggle(row: number, col: number): void {
    const cell = this.cell(row, col);
    if (!cell?.cb || this.editing) return;
    const checked = !cell.cb.checked;
    cell.cb = { ...cell.cb, checked };
    cell.v = checked ? cell.cb.on ?? 'TRUE' : cell.cb.off ?? 'FALSE';
    if (this.row !== row || this.col !== col) this.select(row, col, false);
    else this.render();
    void this.hooks.onCommit(row, col, cell.v);
  }

  // --- selection ----------------------------------------------------------------------------

  private cellOf(target: EventTarget | null): { row: number; col: number } | undefined {
    const td = (target as HTMLElement | null)?.closest?.('td[data-cell]') as HTMLElement | null;
    const tr = td?.parentElement as HTMLElement | null;
    if (!td || !tr?.dataset.row) return undefined;
    const col = Array.prototype.indexOf.call(tr.children, td) as number;
    return { row: Number(tr.dataset.row), col };
  }

  private onMouseDown(e: MouseEvent): void {
    const at = this.cellOf(e.target);
    if (!at) return;
    if (this.editing && (this.editing.row !== at.row || this.editing.col !== at.col)) void this.commitEdit(0, 0);
    this.select(at.row, at.col, false);
    // Keep keyboard focus on the grid (not lost to the clicked cell).
    if (!this.editing) {
      e.preventDefault();
      this.el.focus({ preventScroll: true });
      if (e.button === 0 && (e.target as HTMLElement | null)?.closest?.('input.cb')) this.toggle(at.row, at.col);
    }
  }

  select(row: number, col: number, scroll = true): void {
    this.row = Math.max(1, Math.min(this.rows, row));
    this.col = Math.max(1, Math.min(this.columns, col));
    if (scroll) this.scrollIntoView();
    this.render();
    this.notifySelect();
  }

  private notifySelect(): void {
    this.hooks.onSelect(this.row, this.col, this.cell(this.row, this.col));
  }

  private scrollIntoView(): void {
    const frozen = this.frozen;
    if (this.row > frozen) {
      const headHeight = this.head.offsetHeight;
      const y = ((this.row - frozen - 1) * this.rowHeight) / this.scale();
      const view = this.el.clientHeight - headHeight;
      if (y < this.el.scrollTop) this.el.scrollTop = y;
      else if (y + this.rowHeight > this.el.scrollTop + view) this.el.scrollTop = y + this.rowHeight - view;
    }
    let x = 0;
    for (let c = 1; c < this.col; c++) x += this.widths[c - 1] ?? DEFAULT_WIDTH;
    const w = this.widths[this.col - 1] ?? DEFAULT_WIDTH;
    const viewW = this.el.clientWidth - this.headerWidth;
    if (x < this.el.scrollLeft) this.el.scrollLeft = x;
    else if (x + w > this.el.scrollLeft + viewW) this.el.scrollLeft = x + w - viewW;
  }

  private onHover(e: MouseEvent): void {
    const at = this.cellOf(e.target);
    const cell = at && this.cell(at.row, at.col);
    if (!at || cell?.t !== 'e' || !cell.e) {
      this.tip.hidden = true;
      return;
    }
    const rect = (e.target as HTMLElement).closest('td')!.getBoundingClientRect();
    this.tip.replaceChildren();
    const b = document.createElement('b');
    b.textContent = 'Error';
    const msg = document.createElement('span');
    msg.textContent = cell.e;
    this.tip.append(b, msg);
    this.tip.style.left = `${Math.min(rect.right + 4, window.innerWidth - 370)}px`;
    this.tip.style.top = `${rect.top}px`;
    this.tip.hidden = false;
  }

  private pageRows(): number {
    return Math.max(1, Math.floor((this.el.clientHeight - this.head.offsetHeight) / this.rowHeight) - 1);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.target !== this.el || this.editing) return;
    const move = (dr: number, dc: number) => {
      e.preventDefault();
      this.select(this.row + dr, this.col + dc);
    };
    if (e.key === ' ' && this.cell(this.row, this.col)?.cb) {
      e.preventDefault();
      return this.toggle(this.row, this.col);
    }
    switch (e.key) {
      case 'ArrowDown': return move(1, 0);
      case 'ArrowUp': return move(-1, 0);
      case 'ArrowRight': return move(0, 1);
      case 'ArrowLeft': return move(0, -1);
      case 'Tab': return move(0, e.shiftKey ? -1 : 1);
      case 'PageDown': return move(this.pageRows(), 0);
      case 'PageUp': return move(-this.pageRows(), 0);
      case 'Home':
        e.preventDefault();
        return this.select(e.ctrlKey || e.metaKey ? 1 : this.row, 1);
      case 'Enter':
      case 'F2':
        e.preventDefault();
        return this.startEdit();
      case 'Delete':
      case 'Backspace':
        e.preventDefault();
        void this.hooks.onCommit(this.row, this.col, '');
        return;
      default:
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
          e.preventDefault();
          this.startEdit(e.key);
        }
    }
  }

  // --- editing ------------------------------------------------------------------------------

  /** Edits the selected cell in place, starting from its content or from `initial` (a typed key). */
  startEdit(initial?: string): void {
    if (!this.sheet) return;
    this.editing = { row: this.row, col: this.col };
    this.editor.value = initial ?? this.inputOf(this.cell(this.row, this.col));
    this.editor.hidden = false;
    this.placeEditor();
    this.editor.focus();
    this.editor.setSelectionRange(this.editor.value.length, this.editor.value.length);
    this.hooks.onEditorInput(this.editor.value);
  }

  private placeEditor(): void {
    if (!this.editing) return;
    const td = this.table.querySelector<HTMLElement>(`td[data-cell="${cellA1(this.editing.row, this.editing.col)}"]`);
    if (!td) return;
    const rect = td.getBoundingClientRect();
    const grid = this.el.getBoundingClientRect();
    this.editor.style.left = `${rect.left - grid.left + this.el.scrollLeft}px`;
    this.editor.style.top = `${rect.top - grid.top + this.el.scrollTop}px`;
    this.editor.style.height = `${rect.height + 1}px`;
    this.editor.style.width = `${Math.max(rect.width + 1, Math.min(this.editor.value.length * 7.5 + 24, 600))}px`;
  }

  isEditing(): boolean {
    return this.editing !== undefined;
  }

  /** The formula bar edits the same text as the in-cell editor. */
  setEditorText(text: string): void {
    if (this.editing) {
      this.editor.value = text;
      this.placeEditor();
    }
  }

  cancelEdit(): void {
    this.editing = undefined;
    this.editor.hidden = true;
    this.notifySelect();
  }

  private onEditorKey(e: KeyboardEvent): void {
    if (e.key === 'Enter') {
      e.preventDefault();
      void this.commitEdit(e.shiftKey ? -1 : 1, 0);
    } else if (e.key === 'Tab') {
      e.preventDefault();
      void this.commitEdit(0, e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.cancelEdit();
      this.el.focus({ preventScroll: true });
    }
    requestAnimationFrame(() => this.placeEditor());
  }

  /** Saves the edited cell, then moves the selection by (dr, dc). */
  async commitEdit(dr: number, dc: number, text?: string): Promise<void> {
    const at = this.editing;
    if (!at || this.committing) return;
    const input = text ?? this.editor.value;
    this.committing = true;
    this.editing = undefined;
    this.editor.hidden = true;
    try {
      await this.hooks.onCommit(at.row, at.col, input);
    } finally {
      this.committing = false;
    }
    if (dr || dc) this.select(at.row + dr, at.col + dc);
    else this.notifySelect();
    if (document.activeElement === document.body || document.activeElement === this.editor) this.el.focus({ preventScroll: true });
  }
}
