/**
 * The offline engine beside a plain HyperFormula configured as it is, with HyperFormula's own
 * functions only: the engine-*.test.ts property tests write the same cells to both and compare.
 */
import { HyperFormula } from 'hyperformula';
import { FormulaEngine } from '../../src/offline/engine.ts';
import type { RawContent } from '../../src/offline/engine.ts';

/** A HyperFormula instance configured as the engine's, with HyperFormula's own functions only. */
export function rawHyperFormula(engine: FormulaEngine): HyperFormula {
  const config = { ...engine.hf.getConfig(), functionPlugins: HyperFormula.getAllFunctionPlugins() };
  const hf = HyperFormula.buildEmpty(config as never);
  hf.addNamedExpression('TRUE', '=TRUE()');
  hf.addNamedExpression('FALSE', '=FALSE()');
  return hf;
}

/** HyperFormula's error types as Sheets (and the engine) write them. */
export const SHEETS_ERRORS: Record<string, string> = {
  '#DIV_BY_ZERO': '#DIV/0!', '#NA': '#N/A', '#VALUE': '#VALUE!', '#NAME': '#NAME?', '#REF': '#REF!', '#NUM': '#NUM!', '#ERROR': '#ERROR!', '#CYCLE': '#REF!', '#SPILL': '#REF!',
};

/** Both engines with the same sheets (0: the first name, 1: the second…); `write` puts the same cells in both. */
export function twinEngines(...sheetNames: string[]) {
  const engine = new FormulaEngine();
  const hf = rawHyperFormula(engine);
  const sheets = sheetNames.map((name) => {
    hf.addSheet(name);
    return engine.addSheet(name);
  });
  /** Writes the cells to both; `forRaw` rewrites a formula for plain HyperFormula (e.g. closing an open-ended range). */
  const write = (sheet: number, row: number, col: number, cells: RawContent[][], forRaw: (cell: RawContent) => RawContent = (cell) => cell) => {
    engine.setContents(sheet, row, col, cells);
    hf.setCellContents({ sheet, row, col }, cells.map((line) => line.map(forRaw)) as never);
  };
  return { engine, hf, sheets, write };
}
