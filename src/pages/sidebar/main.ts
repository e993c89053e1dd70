/**
 * The sidebar client: talks to the server only through google.script.run, and shows every value
 * as text (textContent), so a sheet or header name can never inject markup.
 */
interface SheetSummary {
  sheets: string[];
  sheetName: string;
  headers: string[];
  rowCount: number;
  columns: Record<string, number>;
}

declare const google: {
  script: { run: any };
};

function call<T>(name: string, request?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    google.script.run.withSuccessHandler(resolve).withFailureHandler(reject)[name](request);
  });
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function fill(select: HTMLSelectElement, options: string[], selected: number, blankLabel?: string): void {
  select.replaceChildren();
  if (blankLabel !== undefined) select.append(new Option(blankLabel, ''));
  options.forEach((o, i) => select.append(new Option(o, o, false, i === selected)));
}

function say(text: string): void {
  $('lf-status-line').textContent = text;
}

function fail(err: unknown): void {
  const box = $('lf-error');
  box.textContent = err instanceof Error ? err.message : String((err as { message?: string })?.message ?? err);
  box.hidden = false;
  say('');
}

async function loadSheet(sheetName?: string): Promise<void> {
  $('lf-error').hidden = true;
  say('Reading the sheet…');
  const s = await call<SheetSummary>('leadflowSheetSummary', sheetName ? { sheetName } : {});
  fill($('lf-sheet'), s.sheets, s.sheets.indexOf(s.sheetName));
  fill($('lf-status'), s.headers, s.columns.status);
  fill($('lf-value'), s.headers, s.columns.value, '(none)');
  if (s.columns.value >= 0) ($('lf-value') as HTMLSelectElement).value = s.headers[s.columns.value];
  say(`${s.rowCount} rows in "${s.sheetName}".`);
}

const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '');

async function showFunnel(): Promise<void> {
  const button = $<HTMLButtonElement>('lf-run');
  button.disabled = true;
  $('lf-error').hidden = true;
  say('Counting…');
  try {
    const rows = await call<(string | number)[][]>('leadflowQuickFunnel', {
      sheetName: ($('lf-sheet') as HTMLSelectElement).value,
      statusColumn: ($('lf-status') as HTMLSelectElement).value,
      valueColumn: ($('lf-value') as HTMLSelectElement).value || undefined,
    });
    const body = $('lf-funnel').querySelector('tbody')!;
    body.replaceChildren();
    for (const r of rows.slice(1)) {
      const tr = document.createElement('tr');
      const cells = [String(r[0]), String(r[1]), pct(r[2])];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i > 0) td.className = 'num';
        tr.append(td);
      });
      body.append(tr);
    }
    $('lf-funnel').hidden = false;
    say(`${rows[1]?.[1] ?? 0} leads in the funnel.`);
  } catch (e) {
    fail(e);
  } finally {
    button.disabled = false;
  }
}

$('lf-sheet').addEventListener('change', (e) => loadSheet((e.target as HTMLSelectElement).value).catch(fail));
$('lf-run').addEventListener('click', () => void showFunnel());
loadSheet().catch(fail);
