/**
 * SpreadsheetApp.getUi(): menus, alerts, prompts, sidebars and dialogs, recorded for inspection
 * (host.ui) instead of shown. Alerts and prompts answer from a queue of scripted responses
 * (host.ui.respondWith); with an empty queue they answer with the first button of their set
 * (OK or YES) and an empty prompt text, and the record says the answer was not scripted.
 */
import { expose, fail, implOf, makeEnum } from './context.ts';
import type { ServiceContext } from './state.ts';

export const BUTTONS = ['CLOSE', 'OK', 'CANCEL', 'YES', 'NO'] as const;
export const BUTTON_SETS = ['OK', 'OK_CANCEL', 'YES_NO', 'YES_NO_CANCEL'] as const;
export type ButtonName = (typeof BUTTONS)[number];
export type ButtonSetName = (typeof BUTTON_SETS)[number];

const SET_BUTTONS: Record<ButtonSetName, ButtonName[]> = {
  OK: ['OK'], OK_CANCEL: ['OK', 'CANCEL'], YES_NO: ['YES', 'NO'], YES_NO_CANCEL: ['YES', 'NO', 'CANCEL'],
};

export type MenuEntry =
  | { kind: 'item'; caption: string; functionName: string }
  | { kind: 'separator' }
  | { kind: 'submenu'; caption: string; items: MenuEntry[] };

export interface MenuRecord {
  /** "addon": Extensions > add-on name (createAddonMenu); "menu": a top-level menu (createMenu). */
  kind: 'addon' | 'menu';
  /** The caption of a top-level menu; null for the add-on menu (Sheets shows the add-on's name). */
  title: string | null;
  items: MenuEntry[];
}

export interface DialogInteraction {
  type: 'alert' | 'prompt';
  title: string;
  prompt: string;
  buttons: ButtonSetName;
  button: ButtonName;
  /** The prompt's answer text ("" for alerts). */
  text: string;
  /** False when no scripted response was queued and the default answer was used. */
  scripted: boolean;
}

export interface ToastRecord { message: string; title: string; timeoutSeconds: number }
export interface SidebarRecord { title: string; html: string; width: number | null }
export interface DialogRecord { title: string; html: string; width: number | null; height: number | null; modal: boolean }

export type ScriptedResponse = ButtonName | { button?: ButtonName; text?: string };

/** What the Ui did, for tests and the preview (host.ui). */
export class UiRecorder {
  menus: MenuRecord[] = [];
  alerts: DialogInteraction[] = [];
  toasts: ToastRecord[] = [];
  sidebar: SidebarRecord | null = null;
  sidebars: SidebarRecord[] = [];
  dialogs: DialogRecord[] = [];
  private queue: ScriptedResponse[] = [];

  /** Queues answers for the next alerts/prompts, in order. */
  respondWith(...responses: ScriptedResponse[]): void {
    this.queue.push(...responses);
  }

  /** Scripted answers not used yet. */
  pendingResponses(): number {
    return this.queue.length;
  }

  /** Finds a menu item by caption, or by a path like "Reports > Net flow". */
  menuItem(captionOrPath: string): { caption: string; functionName: string } | undefined {
    const path = captionOrPath.split('>').map((s) => s.trim());
    const search = (entries: MenuEntry[], rest: string[]): { caption: string; functionName: string } | undefined => {
      for (const e of entries) {
        if (e.kind === 'item' && rest.length === 1 && e.caption === rest[0]) return e;
        if (e.kind === 'submenu') {
          const inner = e.caption === rest[0] && rest.length > 1 ? search(e.items, rest.slice(1)) : rest.length === 1 ? search(e.items, rest) : undefined;
          if (inner) return inner;
        }
      }
      return undefined;
    };
    for (const menu of this.menus) {
      const rest = menu.title !== null && path[0] === menu.title && path.length > 1 ? path.slice(1) : path;
      const found = search(menu.items, rest);
      if (found) return found;
    }
    return undefined;
  }

  reset(): void {
    this.menus = [];
    this.alerts = [];
    this.toasts = [];
    this.sidebar = null;
    this.sidebars = [];
    this.dialogs = [];
    this.queue = [];
  }

  /** @internal */
  takeResponse(): ScriptedResponse | undefined {
    return this.queue.shift();
  }
}

class MenuImpl {
  readonly entries: MenuEntry[] = [];
  constructor(private readonly ctx: ServiceContext, readonly kind: 'addon' | 'menu', readonly title: string | null) {}

  addItem(caption: string, functionName: string): unknown {
    if (typeof functionName !== 'string' || functionName === '') fail(this.ctx, 'Invalid argument: functionName');
    this.entries.push({ kind: 'item', caption: String(caption), functionName });
    return this._self();
  }

  addSeparator(): unknown {
    this.entries.push({ kind: 'separator' });
    return this._self();
  }

  addSubMenu(menu: unknown): unknown {
    const sub = implOf<MenuImpl>(menu);
    if (!sub) fail(this.ctx, 'Invalid argument: menu');
    this.entries.push({ kind: 'submenu', caption: sub.title ?? '', items: sub.entries });
    return this._self();
  }

  addToUi(): void {
    const record: MenuRecord = { kind: this.kind, title: this.title, items: this.entries };
    const menus = this.ctx.host.ui.menus;
    // Building the same menu again (onOpen run twice) replaces it, as in Sheets.
    const i = menus.findIndex((m) => m.kind === record.kind && m.title === record.title);
    if (i >= 0) menus[i] = record;
    else menus.push(record);
  }

  _proxy: unknown;
  _self(): unknown {
    return this._proxy;
  }
}

function makeMenu(ctx: ServiceContext, kind: 'addon' | 'menu', title: string | null): unknown {
  const impl = new MenuImpl(ctx, kind, title);
  impl._proxy = expose(ctx, 'Menu', impl, { counted: false });
  return impl._proxy;
}

/** The parts of HtmlOutput the Ui reads. */
interface HtmlOutputLike { getContent(): string; getTitle(): string; getWidth(): number | null; getHeight(): number | null }

function htmlOf(ctx: ServiceContext, ui: unknown): HtmlOutputLike {
  const impl = implOf<{ _isHtmlOutput?: boolean } & HtmlOutputLike>(ui);
  if (!impl || !impl._isHtmlOutput) fail(ctx, 'Invalid argument: userInterface');
  return impl;
}

class UiImpl {
  readonly Button: Record<ButtonName, ButtonName>;
  readonly ButtonSet: Record<ButtonSetName, ButtonSetName>;

  constructor(private readonly _ctx: ServiceContext) {
    this.Button = makeEnum(_ctx, 'Button', BUTTONS);
    this.ButtonSet = makeEnum(_ctx, 'ButtonSet', BUTTON_SETS);
  }

  createAddonMenu(): unknown {
    return makeMenu(this._ctx, 'addon', null);
  }

  createMenu(caption: string): unknown {
    return makeMenu(this._ctx, 'menu', String(caption));
  }

  alert(...args: unknown[]): ButtonName {
    const { title, prompt, buttons } = this._dialogArgs(args);
    return this._interact('alert', title, prompt, buttons).button;
  }

  prompt(...args: unknown[]): unknown {
    const { title, prompt, buttons } = this._dialogArgs(args);
    const answer = this._interact('prompt', title, prompt, buttons);
    return expose(this._ctx, 'PromptResponse', new PromptResponseImpl(answer.text, answer.button), { counted: false });
  }

  showSidebar(userInterface: unknown): void {
    const out = htmlOf(this._ctx, userInterface);
    const record: SidebarRecord = { title: out.getTitle(), html: out.getContent(), width: out.getWidth() };
    this._ctx.host.ui.sidebar = record;
    this._ctx.host.ui.sidebars.push(record);
  }

  showModalDialog(userInterface: unknown, title: string): void {
    this._dialog(userInterface, title, true);
  }

  showModelessDialog(userInterface: unknown, title: string): void {
    this._dialog(userInterface, title, false);
  }

  _dialog(userInterface: unknown, title: string, modal: boolean): void {
    const out = htmlOf(this._ctx, userInterface);
    this._ctx.host.ui.dialogs.push({ title: String(title ?? ''), html: out.getContent(), width: out.getWidth(), height: out.getHeight(), modal });
  }

  /** alert/prompt take (prompt), (prompt, buttons) or (title, prompt, buttons). */
  _dialogArgs(args: unknown[]): { title: string; prompt: string; buttons: ButtonSetName } {
    if (args.length >= 3) return { title: String(args[0]), prompt: String(args[1]), buttons: this._buttonSet(args[2]) };
    if (args.length === 2) return { title: '', prompt: String(args[0]), buttons: this._buttonSet(args[1]) };
    return { title: '', prompt: String(args[0] ?? ''), buttons: 'OK' };
  }

  _buttonSet(value: unknown): ButtonSetName {
    const name = String(value) as ButtonSetName;
    if (!BUTTON_SETS.includes(name)) fail(this._ctx, `Invalid argument: buttons`);
    return name;
  }

  _interact(type: 'alert' | 'prompt', title: string, prompt: string, buttons: ButtonSetName): DialogInteraction {
    const allowed = SET_BUTTONS[buttons];
    const scripted = this._ctx.host.ui.takeResponse();
    let button: ButtonName = allowed[0];
    let text = '';
    if (scripted !== undefined) {
      const response = typeof scripted === 'string' ? { button: scripted } : scripted;
      button = response.button ?? allowed[0];
      text = response.text ?? '';
      // The user can also close the dialog (CLOSE), whatever its buttons.
      if (button !== 'CLOSE' && !allowed.includes(button)) {
        throw new Error(`Scripted response ${button} is not a button of ButtonSet.${buttons} (${type}: "${prompt}")`);
      }
    }
    const record: DialogInteraction = { type, title, prompt, buttons, button, text: type === 'prompt' ? text : '', scripted: scripted !== undefined };
    this._ctx.host.ui.alerts.push(record);
    return record;
  }
}

class PromptResponseImpl {
  constructor(private readonly text: string, private readonly button: ButtonName) {}
  getResponseText(): string {
    return this.text;
  }
  getSelectedButton(): ButtonName {
    return this.button;
  }
}

export function makeUi(ctx: ServiceContext): GoogleAppsScript.Base.Ui {
  return expose(ctx, 'Ui', new UiImpl(ctx), { data: true });
}
