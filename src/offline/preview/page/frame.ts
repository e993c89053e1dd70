/**
 * Runs first in every add-on page the preview shows (sidebar, dialog): defines google.script the
 * way HtmlService does. Calls go through the editor page (window.parent.leadflowPreview), which
 * shows alerts/prompts the server code asks, refreshes the grid and shows toasts and new panels.
 * A page opened on its own (no editor around it) talks to the server directly and answers alerts
 * with the browser's confirm/prompt.
 */
import { createGoogleScript } from './bridge';
import type { BridgeTransport, RunOutcome } from './bridge';

interface FrameConfig { id: number; kind: 'sidebar' | 'dialog'; functions: string[] }

/** What the editor page offers its frames (main.ts). */
export interface PreviewParent {
  run(name: string, args: unknown[]): Promise<RunOutcome>;
  closeFrame(id: number): void;
  resizeFrame(id: number, size: { width?: number; height?: number }): void;
  focusEditor(): void;
}

declare global {
  interface Window {
    __leadflowFrame: FrameConfig;
    leadflowPreview?: PreviewParent;
    google: unknown;
  }
}

const config = window.__leadflowFrame;

function editor(): PreviewParent | undefined {
  try {
    return window.parent !== window ? window.parent.leadflowPreview : undefined;
  } catch {
    return undefined;
  }
}

interface ServerAnswer { outcome?: RunOutcome; pending?: { type: string; title: string; prompt: string; choices: string[] }; error?: string }

async function runStandalone(name: string, args: unknown[]): Promise<RunOutcome> {
  const answers: { button: string; text?: string }[] = [];
  for (;;) {
    const res = await fetch('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, args, answers }) });
    const body = (await res.json()) as ServerAnswer;
    if (!res.ok) return { ok: false, error: { message: body.error ?? `HTTP ${res.status}` } };
    if (!body.pending) return body.outcome!;
    const p = body.pending;
    const question = [p.title, p.prompt].filter(Boolean).join('\n\n');
    if (p.type === 'prompt') {
      const text = window.prompt(question, '');
      answers.push(text === null ? { button: p.choices.includes('CANCEL') ? 'CANCEL' : 'CLOSE', text: '' } : { button: p.choices[0], text });
    } else {
      const yes = p.choices.length === 1 ? (window.alert(question), true) : window.confirm(question);
      answers.push({ button: yes ? p.choices[0] : p.choices[1] });
    }
  }
}

const transport: BridgeTransport = {
  run: (name, args) => {
    const parent = editor();
    return parent ? parent.run(name, args) : runStandalone(name, args);
  },
  close: () => {
    const parent = editor();
    if (parent) parent.closeFrame(config.id);
    else window.close();
  },
  setHeight: (height) => editor()?.resizeFrame(config.id, { height }),
  setWidth: (width) => editor()?.resizeFrame(config.id, { width }),
  focusEditor: () => editor()?.focusEditor(),
};

window.google = createGoogleScript(config.functions, transport, window.location.origin);
