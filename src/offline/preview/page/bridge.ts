/**
 * google.script.run and google.script.host for pages the preview shows (the sidebar, dialogs),
 * following the client-side API's documented behaviour:
 *
 *  - google.script.run has one method per top-level function of the server script (names ending
 *    in "_" are private and absent); calling it sends the arguments and returns at once (undefined);
 *  - withSuccessHandler(fn), withFailureHandler(fn) and withUserObject(obj) each return a new runner
 *    that keeps the settings of the one it came from, so a configured runner can be reused;
 *  - the success handler receives (returnValue, userObject); the failure handler receives
 *    (error, userObject) where error is an Error whose message is the server's; without a failure
 *    handler the error is reported on the console, as in Apps Script;
 *  - the user object never travels to the server, so it may be anything (a DOM element, a function);
 *  - legal arguments are primitives, null, and plain objects and arrays of them (a form element is
 *    legal as the only argument and becomes an object of its named fields); a Date, function, other
 *    DOM node, class instance or circular reference makes the call fail with
 *    "Failed due to illegal value in property: <key>", and nothing is sent;
 *  - google.script.host.close() closes the sidebar or dialog; setHeight/setWidth resize a dialog.
 *
 * This module has no DOM or Node dependency of its own: the preview page wires it to the server
 * (see frame.ts), and the unit tests wire it to a fake transport. The rules for what may travel
 * are the host's own (src/offline/transfer.ts).
 */
import { illegalProperty } from '../../transfer.ts';

/** What the server answers for one call (the shape of host.run). */
export type RunOutcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { name?: string; message: string } };

export interface BridgeTransport {
  /** Runs a server function with already-checked, JSON-safe arguments. */
  run(name: string, args: unknown[]): Promise<RunOutcome>;
  close(): void;
  setHeight(height: number): void;
  setWidth(width: number): void;
  focusEditor(): void;
  /** Where uncaught failures are reported (console.error by default). */
  reportUncaught?(error: Error): void;
}

export type SuccessHandler = (value: unknown, userObject?: unknown) => void;
export type FailureHandler = (error: Error, userObject?: unknown) => void;

export interface ScriptRunner {
  withSuccessHandler(handler: SuccessHandler): ScriptRunner;
  withFailureHandler(handler: FailureHandler): ScriptRunner;
  withUserObject(object: unknown): ScriptRunner;
  [serverFunction: string]: unknown;
}

export class IllegalValueError extends Error {
  constructor(readonly property: string) {
    super(`Failed due to illegal value in property: ${property}`);
    this.name = 'Error';
  }
}


function isForm(value: unknown): value is HTMLFormElement {
  return typeof HTMLFormElement !== 'undefined' && value instanceof HTMLFormElement;
}

export { illegalProperty };

/** A form's named fields as google.script.run sends them (checkboxes only when checked). */
export function formToObject(form: HTMLFormElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const el of Array.from(form.elements) as HTMLInputElement[]) {
    if (!el.name || el.disabled) continue;
    const type = String(el.type);
    if ((type === 'checkbox' || type === 'radio') && !el.checked) continue;
    if (type === 'file' || type === 'submit' || type === 'button' || type === 'reset') continue;
    let value: unknown = el.value;
    if (type === 'select-multiple') value = Array.from((el as unknown as HTMLSelectElement).selectedOptions).map((o) => o.value);
    if (el.name in out) {
      const prev = out[el.name];
      out[el.name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    } else {
      out[el.name] = value;
    }
  }
  return out;
}

/** Copies arguments as the server receives them: undefined array entries become null. */
function copyArgs(args: unknown[]): unknown[] {
  return args.map((a) => (a === undefined ? null : JSON.parse(JSON.stringify(a))));
}

/** An Error carrying the server's message (and name, when it is not the generic one). */
export function toError(error: { name?: string; message: string } | undefined): Error {
  const e = new Error(error?.message ?? 'The server call failed.');
  if (error?.name && error.name !== 'Error') e.name = error.name;
  return e;
}

interface RunnerSettings {
  success?: SuccessHandler;
  failure?: FailureHandler;
  userObject?: unknown;
  hasUserObject: boolean;
}

/** Server functions google.script.run exposes: top-level, not private (no trailing underscore). */
export function publicFunctionNames(names: readonly string[]): string[] {
  return [...new Set(names)].filter((n) => !n.endsWith('_') && /^[A-Za-z_$][\w$]*$/.test(n));
}

export function createScriptRun(functionNames: readonly string[], transport: BridgeTransport): ScriptRunner {
  const names = publicFunctionNames(functionNames);
  const make = (settings: RunnerSettings): ScriptRunner => {
    const runner: ScriptRunner = {
      withSuccessHandler: (handler: SuccessHandler) => make({ ...settings, success: handler }),
      withFailureHandler: (handler: FailureHandler) => make({ ...settings, failure: handler }),
      withUserObject: (object: unknown) => make({ ...settings, userObject: object, hasUserObject: true }),
    };
    for (const name of names) {
      if (name in runner) continue;
      runner[name] = (...rawArgs: unknown[]): void => {
        const args = rawArgs.length === 1 && isForm(rawArgs[0]) ? [formToObject(rawArgs[0])] : rawArgs;
        for (let i = 0; i < args.length; i++) {
          const bad = illegalProperty(args[i], String(i));
          if (bad !== undefined) throw new IllegalValueError(bad);
        }
        const sent = copyArgs(args);
        const user = settings.hasUserObject ? [settings.userObject] : [];
        transport.run(name, sent).then(
          (outcome) => {
            if (outcome.ok) {
              settings.success?.(outcome.value, ...user);
            } else {
              const error = toError(outcome.error);
              if (settings.failure) settings.failure(error, ...user);
              else (transport.reportUncaught ?? ((e: Error) => console.error(e)))(error);
            }
          },
          (transportError: unknown) => {
            const error = toError({ message: `The preview server could not run ${name}: ${String((transportError as Error)?.message ?? transportError)}` });
            if (settings.failure) settings.failure(error, ...user);
            else (transport.reportUncaught ?? ((e: Error) => console.error(e)))(error);
          },
        );
      };
    }
    return runner;
  };
  return make({ hasUserObject: false });
}

export interface GoogleScript {
  script: {
    run: ScriptRunner;
    host: {
      origin: string;
      close(): void;
      setHeight(height: number): void;
      setWidth(width: number): void;
      editor: { focus(): void };
    };
  };
}

export function createGoogleScript(functionNames: readonly string[], transport: BridgeTransport, origin = ''): GoogleScript {
  return {
    script: {
      run: createScriptRun(functionNames, transport),
      host: {
        origin,
        close: () => transport.close(),
        setHeight: (h: number) => transport.setHeight(Number(h)),
        setWidth: (w: number) => transport.setWidth(Number(w)),
        editor: { focus: () => transport.focusEditor() },
      },
    },
  };
}
