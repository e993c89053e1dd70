/** The preview server's JSON API, as the page uses it (routes: see ../server.ts). */
import type { ActionResult, Answer, CellView, ChartSeriesView, ChartView, PendingDialog, PreviewEvent, SheetView, StateView } from '../session';

export type { ActionResult, Answer, CellView, ChartSeriesView, ChartView, PendingDialog, PreviewEvent, SheetView, StateView };

export class ApiError extends Error {}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(`The preview server answered ${res.status} with something that is not JSON.`);
  }
  if (!res.ok) throw new ApiError((body as { error?: string }).error ?? `The preview server answered ${res.status}.`);
  return body as T;
}

export async function get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const qs = q.toString();
  return parse<T>(await fetch(qs ? `${path}?${qs}` : path, { headers: { Accept: 'application/json' } }));
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  return parse<T>(await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));
}

export interface CellWindow {
  row: number;
  col: number;
  cells: CellView[][];
}

/** "A", "B", ... "Z", "AA"... for a 1-based column. */
export function columnLetter(col: number): string {
  let s = '';
  for (let x = col; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export const cellA1 = (row: number, col: number): string => `${columnLetter(col)}${row}`;
