/** Offline file layer: reading CRM leads exports, writing workbooks as .xlsx. */
export { LeadsFileError, columnLetter, type LeadsFileErrorCode } from './errors.ts';
export {
  readLeadsFile, parseCsv, parseXlsx, detectDelimiter, chooseSheet, isDateFormat,
  DEFAULT_TIME_ZONE, MAX_CELLS, MAX_COLUMNS,
  type LeadsTable, type ReadTable, type ReadOptions, type ReadFileOptions,
} from './read.ts';
export { inferCell, DATE_FORMAT, DATETIME_FORMAT, CURRENCY_FORMAT, type InferredCell, type InferOptions } from './infer.ts';
export type { ColumnReading } from './columns.ts';
export { DEFAULT_LOCALE, localeConventions, type DateOrder, type LocaleConventions } from './locale.ts';
export {
  writeWorkbookXlsx, buildWorkbook, excelSheetNames,
  type WorkbookSource, type WorkbookSheet, type WorkbookRange, type WriteOptions,
} from './write.ts';
export { toExcelFormula, excelFunctionName, excelHasFunction, sheetsOnlyReason, type TranslatedFormula } from './formulas.ts';
export { wallTimeToDate, dateToWallTime, dateToSerial, serialToDate, type WallTime } from './timezone.ts';
