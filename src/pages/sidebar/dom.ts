/**
 * A tiny element builder. Strings always become text nodes (textContent), attribute values go
 * through setAttribute and form values through .value, so a sheet name, header or status holding
 * markup is shown as the characters it is and never parsed as HTML.
 */
type Child = Node | string | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v as EventListener);
    else if (k === 'value') (el as HTMLInputElement).value = String(v);
    else if (k === 'checked') (el as HTMLInputElement).checked = Boolean(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`No element #${id}`);
  return el as T;
};

/** A select's options from [value, label] pairs (new Option sets text, never markup). */
export function options(select: HTMLSelectElement, items: [string, string][], selected: string): void {
  select.replaceChildren(...items.map(([value, label]) => new Option(label, value, false, value === selected)));
  select.value = selected;
}

let uid = 0;
export const uniqueId = (prefix: string): string => `${prefix}-${++uid}`;

export function debounce<A extends unknown[]>(ms: number, fn: (...a: A) => void): ((...a: A) => void) & { flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: A | undefined;
  const run = (...a: A) => {
    last = a;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...(last as A));
    }, ms);
  };
  run.flush = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    fn(...(last as A));
  };
  run.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return run;
}

/** The column letter of a 0-based index: 0 → A, 27 → AB. */
export { columnLetter } from '../../core/values';
