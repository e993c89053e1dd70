/**
 * Rules and objects that Apps Script builds locally and attaches to a sheet: data validations,
 * conditional format rules, embedded charts, protections. All are kept as plain data on the sheet
 * model (host.inspectSheet shows them) and handed to scripts as fresh objects on every read.
 */
import { expose, fail, implOf } from './context.ts';
import type {
  BooleanConditionData, ChartData, ConditionalFormatRuleData, DataValidationData, GridRange, ProtectionData, SheetModel,
} from './model.ts';
import { isDate, toRealmArray } from './realm.ts';
import type { ServiceContext } from './state.ts';

export const DATA_VALIDATION_CRITERIA = [
  'DATE_AFTER', 'DATE_BEFORE', 'DATE_BETWEEN', 'DATE_EQUAL_TO', 'DATE_IS_VALID_DATE', 'DATE_NOT_BETWEEN',
  'DATE_ON_OR_AFTER', 'DATE_ON_OR_BEFORE', 'NUMBER_BETWEEN', 'NUMBER_EQUAL_TO', 'NUMBER_GREATER_THAN',
  'NUMBER_GREATER_THAN_OR_EQUAL_TO', 'NUMBER_LESS_THAN', 'NUMBER_LESS_THAN_OR_EQUAL_TO', 'NUMBER_NOT_BETWEEN',
  'NUMBER_NOT_EQUAL_TO', 'TEXT_CONTAINS', 'TEXT_DOES_NOT_CONTAIN', 'TEXT_EQUAL_TO', 'TEXT_IS_VALID_EMAIL',
  'TEXT_IS_VALID_URL', 'VALUE_IN_LIST', 'VALUE_IN_RANGE', 'CUSTOM_FORMULA', 'CHECKBOX',
] as const;

export const BOOLEAN_CRITERIA = [
  'CELL_EMPTY', 'CELL_NOT_EMPTY', 'DATE_AFTER', 'DATE_BEFORE', 'DATE_EQUAL_TO', 'DATE_NOT_EQUAL_TO',
  'DATE_AFTER_RELATIVE', 'DATE_BEFORE_RELATIVE', 'DATE_EQUAL_TO_RELATIVE', 'NUMBER_BETWEEN', 'NUMBER_EQUAL_TO',
  'NUMBER_GREATER_THAN', 'NUMBER_GREATER_THAN_OR_EQUAL_TO', 'NUMBER_LESS_THAN', 'NUMBER_LESS_THAN_OR_EQUAL_TO',
  'NUMBER_NOT_BETWEEN', 'NUMBER_NOT_EQUAL_TO', 'TEXT_CONTAINS', 'TEXT_DOES_NOT_CONTAIN', 'TEXT_EQUAL_TO',
  'TEXT_NOT_EQUAL_TO', 'TEXT_STARTS_WITH', 'TEXT_ENDS_WITH', 'CUSTOM_FORMULA',
] as const;

interface RangeLike { readonly grid: GridRange }

/** The grid of a Range a script passed in. */
export function gridOf(ctx: ServiceContext, range: unknown, what = 'range'): GridRange {
  const impl = implOf<RangeLike>(range);
  if (!impl?.grid) fail(ctx, `Invalid argument: ${what}`);
  return impl.grid;
}

function copyValues(values: unknown[]): unknown[] {
  return values.map((v) => (Array.isArray(v) ? [...v] : v));
}

// --- Data validation -------------------------------------------------------------------------

class DataValidationBuilderImpl {
  proxy: unknown;
  constructor(private readonly ctx: ServiceContext, readonly data: DataValidationData) {}

  _criteria(type: string, values: unknown[]): unknown {
    this.data.criteriaType = type;
    this.data.criteriaValues = values;
    return this.proxy;
  }

  requireCheckbox(checkedValue?: unknown, uncheckedValue?: unknown): unknown {
    const values = checkedValue === undefined ? [] : uncheckedValue === undefined ? [checkedValue] : [checkedValue, uncheckedValue];
    return this._criteria('CHECKBOX', values);
  }
  requireValueInList(values: unknown[], showDropdown = true): unknown {
    if (!Array.isArray(values)) fail(this.ctx, 'Invalid argument: values');
    return this._criteria('VALUE_IN_LIST', [[...values], showDropdown]);
  }
  requireValueInRange(range: unknown, showDropdown = true): unknown {
    gridOf(this.ctx, range);
    return this._criteria('VALUE_IN_RANGE', [range, showDropdown]);
  }
  requireNumberBetween(start: number, end: number): unknown { return this._criteria('NUMBER_BETWEEN', [start, end]); }
  requireNumberNotBetween(start: number, end: number): unknown { return this._criteria('NUMBER_NOT_BETWEEN', [start, end]); }
  requireNumberEqualTo(n: number): unknown { return this._criteria('NUMBER_EQUAL_TO', [n]); }
  requireNumberNotEqualTo(n: number): unknown { return this._criteria('NUMBER_NOT_EQUAL_TO', [n]); }
  requireNumberGreaterThan(n: number): unknown { return this._criteria('NUMBER_GREATER_THAN', [n]); }
  requireNumberGreaterThanOrEqualTo(n: number): unknown { return this._criteria('NUMBER_GREATER_THAN_OR_EQUAL_TO', [n]); }
  requireNumberLessThan(n: number): unknown { return this._criteria('NUMBER_LESS_THAN', [n]); }
  requireNumberLessThanOrEqualTo(n: number): unknown { return this._criteria('NUMBER_LESS_THAN_OR_EQUAL_TO', [n]); }
  requireTextContains(text: string): unknown { return this._criteria('TEXT_CONTAINS', [text]); }
  requireTextDoesNotContain(text: string): unknown { return this._criteria('TEXT_DOES_NOT_CONTAIN', [text]); }
  requireTextEqualTo(text: string): unknown { return this._criteria('TEXT_EQUAL_TO', [text]); }
  requireTextIsEmail(): unknown { return this._criteria('TEXT_IS_VALID_EMAIL', []); }
  requireTextIsUrl(): unknown { return this._criteria('TEXT_IS_VALID_URL', []); }
  requireDate(): unknown { return this._criteria('DATE_IS_VALID_DATE', []); }
  requireDateAfter(date: Date): unknown { return this._criteria('DATE_AFTER', [date]); }
  requireDateBefore(date: Date): unknown { return this._criteria('DATE_BEFORE', [date]); }
  requireDateBetween(start: Date, end: Date): unknown { return this._criteria('DATE_BETWEEN', [start, end]); }
  requireDateEqualTo(date: Date): unknown { return this._criteria('DATE_EQUAL_TO', [date]); }
  requireDateNotBetween(start: Date, end: Date): unknown { return this._criteria('DATE_NOT_BETWEEN', [start, end]); }
  requireDateOnOrAfter(date: Date): unknown { return this._criteria('DATE_ON_OR_AFTER', [date]); }
  requireDateOnOrBefore(date: Date): unknown { return this._criteria('DATE_ON_OR_BEFORE', [date]); }
  requireFormulaSatisfied(formula: string): unknown { return this._criteria('CUSTOM_FORMULA', [formula]); }
  withCriteria(criteria: string, args: unknown[]): unknown {
    if (!DATA_VALIDATION_CRITERIA.includes(String(criteria) as never)) fail(this.ctx, 'Invalid argument: criteria');
    return this._criteria(String(criteria), [...args]);
  }
  setAllowInvalid(allowInvalidData: boolean): unknown { this.data.allowInvalid = Boolean(allowInvalidData); return this.proxy; }
  setHelpText(helpText: string): unknown { this.data.helpText = String(helpText); return this.proxy; }
  getCriteriaType(): string { return this.data.criteriaType; }
  getCriteriaValues(): unknown[] { return toRealmArray(this.ctx.realm, copyValues(this.data.criteriaValues)); }
  getAllowInvalid(): boolean { return this.data.allowInvalid; }
  getHelpText(): string { return this.data.helpText; }

  build(): unknown {
    if (!this.data.criteriaType) fail(this.ctx, 'A data validation rule needs a criteria (call one of the require... methods).');
    return makeDataValidation(this.ctx, { ...this.data, criteriaValues: copyValues(this.data.criteriaValues) });
  }
}

export function makeDataValidationBuilder(ctx: ServiceContext, from?: DataValidationData): unknown {
  const data = from ? { ...from, criteriaValues: copyValues(from.criteriaValues) } : { criteriaType: '', criteriaValues: [], allowInvalid: true, helpText: '' };
  const impl = new DataValidationBuilderImpl(ctx, data);
  impl.proxy = expose(ctx, 'DataValidationBuilder', impl, { counted: false });
  return impl.proxy;
}

class DataValidationImpl {
  constructor(private readonly ctx: ServiceContext, readonly data: DataValidationData) {}
  getCriteriaType(): string { return this.data.criteriaType; }
  getCriteriaValues(): unknown[] { return toRealmArray(this.ctx.realm, copyValues(this.data.criteriaValues)); }
  getAllowInvalid(): boolean { return this.data.allowInvalid; }
  getHelpText(): string { return this.data.helpText; }
  copy(): unknown { return makeDataValidationBuilder(this.ctx, this.data); }
}

export function makeDataValidation(ctx: ServiceContext, data: DataValidationData): GoogleAppsScript.Spreadsheet.DataValidation {
  return expose(ctx, 'DataValidation', new DataValidationImpl(ctx, data), { counted: false });
}

/** The data behind a DataValidation a script passed in (null clears). */
export function validationData(ctx: ServiceContext, rule: unknown): DataValidationData | null {
  if (rule === null || rule === undefined) return null;
  const impl = implOf<DataValidationImpl>(rule);
  if (!impl || !(impl instanceof DataValidationImpl)) fail(ctx, 'Invalid argument: rule');
  return impl.data;
}

// --- Conditional format rules --------------------------------------------------------------

class ConditionalFormatRuleBuilderImpl {
  proxy: unknown;
  constructor(private readonly ctx: ServiceContext, readonly data: ConditionalFormatRuleData) {}

  _when(type: string, values: unknown[]): unknown {
    this.data.condition = { type, values };
    return this.proxy;
  }

  whenCellEmpty(): unknown { return this._when('CELL_EMPTY', []); }
  whenCellNotEmpty(): unknown { return this._when('CELL_NOT_EMPTY', []); }
  whenNumberBetween(start: number, end: number): unknown { return this._when('NUMBER_BETWEEN', [start, end]); }
  whenNumberNotBetween(start: number, end: number): unknown { return this._when('NUMBER_NOT_BETWEEN', [start, end]); }
  whenNumberEqualTo(n: number): unknown { return this._when('NUMBER_EQUAL_TO', [n]); }
  whenNumberNotEqualTo(n: number): unknown { return this._when('NUMBER_NOT_EQUAL_TO', [n]); }
  whenNumberGreaterThan(n: number): unknown { return this._when('NUMBER_GREATER_THAN', [n]); }
  whenNumberGreaterThanOrEqualTo(n: number): unknown { return this._when('NUMBER_GREATER_THAN_OR_EQUAL_TO', [n]); }
  whenNumberLessThan(n: number): unknown { return this._when('NUMBER_LESS_THAN', [n]); }
  whenNumberLessThanOrEqualTo(n: number): unknown { return this._when('NUMBER_LESS_THAN_OR_EQUAL_TO', [n]); }
  whenTextContains(text: string): unknown { return this._when('TEXT_CONTAINS', [text]); }
  whenTextDoesNotContain(text: string): unknown { return this._when('TEXT_DOES_NOT_CONTAIN', [text]); }
  whenTextEqualTo(text: string): unknown { return this._when('TEXT_EQUAL_TO', [text]); }
  whenTextStartsWith(text: string): unknown { return this._when('TEXT_STARTS_WITH', [text]); }
  whenTextEndsWith(text: string): unknown { return this._when('TEXT_ENDS_WITH', [text]); }
  whenFormulaSatisfied(formula: string): unknown { return this._when('CUSTOM_FORMULA', [formula]); }
  whenDateAfter(date: unknown): unknown { return this._when(isDate(date) ? 'DATE_AFTER' : 'DATE_AFTER_RELATIVE', [date]); }
  whenDateBefore(date: unknown): unknown { return this._when(isDate(date) ? 'DATE_BEFORE' : 'DATE_BEFORE_RELATIVE', [date]); }
  whenDateEqualTo(date: unknown): unknown { return this._when(isDate(date) ? 'DATE_EQUAL_TO' : 'DATE_EQUAL_TO_RELATIVE', [date]); }
  setBackground(color: string | null): unknown { this.data.format.background = color; return this.proxy; }
  setFontColor(color: string | null): unknown { this.data.format.fontColor = color; return this.proxy; }
  setBold(bold: boolean | null): unknown { this.data.format.bold = bold; return this.proxy; }
  setItalic(italic: boolean | null): unknown { this.data.format.italic = italic; return this.proxy; }
  setStrikethrough(strike: boolean | null): unknown { this.data.format.strikethrough = strike; return this.proxy; }
  setUnderline(underline: boolean | null): unknown { this.data.format.underline = underline; return this.proxy; }
  setRanges(ranges: unknown[]): unknown {
    if (!Array.isArray(ranges)) fail(this.ctx, 'Invalid argument: ranges');
    this.data.ranges = ranges.map((r) => gridOf(this.ctx, r, 'ranges'));
    return this.proxy;
  }
  getRanges(): unknown[] { return toRealmArray(this.ctx.realm, this.data.ranges.map((g) => this.ctx.api.range(g))); }
  getBooleanCondition(): unknown { return this.data.condition ? makeBooleanCondition(this.ctx, this.data) : null; }
  getGradientCondition(): null { return null; }
  copy(): unknown { return makeConditionalFormatRuleBuilder(this.ctx, this.data); }
  build(): unknown { return makeConditionalFormatRule(this.ctx, cloneRule(this.data)); }
}

function cloneRule(data: ConditionalFormatRuleData): ConditionalFormatRuleData {
  return {
    condition: data.condition ? { type: data.condition.type, values: copyValues(data.condition.values) } : undefined,
    format: { ...data.format },
    ranges: [...data.ranges],
  };
}

export function makeConditionalFormatRuleBuilder(ctx: ServiceContext, from?: ConditionalFormatRuleData): unknown {
  const impl = new ConditionalFormatRuleBuilderImpl(ctx, from ? cloneRule(from) : { format: {}, ranges: [] });
  impl.proxy = expose(ctx, 'ConditionalFormatRuleBuilder', impl, { counted: false });
  return impl.proxy;
}

class BooleanConditionImpl {
  constructor(private readonly ctx: ServiceContext, private readonly rule: ConditionalFormatRuleData) {}
  private get condition(): BooleanConditionData {
    return this.rule.condition!;
  }
  getCriteriaType(): string { return this.condition.type; }
  getCriteriaValues(): unknown[] { return toRealmArray(this.ctx.realm, copyValues(this.condition.values)); }
  getBackground(): string | null { return this.rule.format.background ?? null; }
  getFontColor(): string | null { return this.rule.format.fontColor ?? null; }
  getBold(): boolean | null { return this.rule.format.bold ?? null; }
  getItalic(): boolean | null { return this.rule.format.italic ?? null; }
  getStrikethrough(): boolean | null { return this.rule.format.strikethrough ?? null; }
  getUnderline(): boolean | null { return this.rule.format.underline ?? null; }
}

function makeBooleanCondition(ctx: ServiceContext, rule: ConditionalFormatRuleData): unknown {
  return expose(ctx, 'BooleanCondition', new BooleanConditionImpl(ctx, rule), { counted: false });
}

class ConditionalFormatRuleImpl {
  constructor(private readonly ctx: ServiceContext, readonly data: ConditionalFormatRuleData) {}
  getRanges(): unknown[] { return toRealmArray(this.ctx.realm, this.data.ranges.map((g) => this.ctx.api.range(g))); }
  getBooleanCondition(): unknown { return this.data.condition ? makeBooleanCondition(this.ctx, this.data) : null; }
  getGradientCondition(): null { return null; }
  copy(): unknown { return makeConditionalFormatRuleBuilder(this.ctx, this.data); }
}

export function makeConditionalFormatRule(ctx: ServiceContext, data: ConditionalFormatRuleData): GoogleAppsScript.Spreadsheet.ConditionalFormatRule {
  return expose(ctx, 'ConditionalFormatRule', new ConditionalFormatRuleImpl(ctx, data), { counted: false });
}

export function ruleData(ctx: ServiceContext, rule: unknown): ConditionalFormatRuleData {
  const impl = implOf<ConditionalFormatRuleImpl>(rule);
  if (!impl || !(impl instanceof ConditionalFormatRuleImpl)) fail(ctx, 'Invalid argument: rules');
  return cloneRule(impl.data);
}

// --- Charts --------------------------------------------------------------------------------

/** Builder methods that only set a chart option (the typed chart builders of Apps Script). */
const OPTION_SETTERS: Record<string, string> = {
  setTitle: 'title', setXAxisTitle: 'hAxis.title', setYAxisTitle: 'vAxis.title', setLegendPosition: 'legend.position',
  setColors: 'colors', setNumHeaders: 'numHeaders', setMergeStrategy: 'mergeStrategy',
  setHiddenDimensionStrategy: 'hiddenDimensionStrategy', setTransposeRowsAndColumns: 'transposeRowsAndColumns',
  setPointStyle: 'pointStyle', setCurveStyle: 'curveType', setBackgroundColor: 'backgroundColor',
};

class EmbeddedChartBuilderImpl {
  proxy: unknown;
  constructor(private readonly ctx: ServiceContext, readonly sheet: SheetModel, readonly data: ChartData) {}

  _type(type: string): unknown { this.data.type = type; return this.proxy; }
  addRange(range: unknown): unknown { this.data.ranges.push(gridOf(this.ctx, range)); return this.proxy; }
  removeRange(range: unknown): unknown {
    const g = gridOf(this.ctx, range);
    this.data.ranges = this.data.ranges.filter((r) => !(r.sheet === g.sheet && r.row === g.row && r.col === g.col && r.numRows === g.numRows && r.numCols === g.numCols));
    return this.proxy;
  }
  clearRanges(): unknown { this.data.ranges = []; return this.proxy; }
  getRanges(): unknown[] { return toRealmArray(this.ctx.realm, this.data.ranges.map((g) => this.ctx.api.range(g))); }
  setChartType(type: string): unknown { return this._type(String(type)); }
  getChartType(): string { return this.data.type; }
  asAreaChart(): unknown { return this._type('AREA'); }
  asBarChart(): unknown { return this._type('BAR'); }
  asColumnChart(): unknown { return this._type('COLUMN'); }
  asComboChart(): unknown { return this._type('COMBO'); }
  asHistogramChart(): unknown { return this._type('HISTOGRAM'); }
  asLineChart(): unknown { return this._type('LINE'); }
  asPieChart(): unknown { return this._type('PIE'); }
  asScatterChart(): unknown { return this._type('SCATTER'); }
  asTableChart(): unknown { return this._type('TABLE'); }
  setPosition(anchorRowPos: number, anchorColPos: number, offsetX: number, offsetY: number): unknown {
    this.data.position = { anchorRow: anchorRowPos, anchorColumn: anchorColPos, offsetX, offsetY };
    return this.proxy;
  }
  setOption(option: string, value: unknown): unknown { this.data.options[String(option)] = value; return this.proxy; }
  setStacked(): unknown { this.data.options.isStacked = true; return this.proxy; }
  setDimensions(width: number, height: number): unknown {
    this.data.options.width = width;
    this.data.options.height = height;
    return this.proxy;
  }
  build(): unknown {
    if (!this.data.type) fail(this.ctx, 'The chart has no type: call setChartType() or an as...Chart() method first.');
    return makeEmbeddedChart(this.ctx, this.sheet, cloneChart(this.data));
  }
}

for (const [method, option] of Object.entries(OPTION_SETTERS)) {
  (EmbeddedChartBuilderImpl.prototype as unknown as Record<string, unknown>)[method] = function (this: EmbeddedChartBuilderImpl, value: unknown) {
    this.data.options[option] = value;
    return this.proxy;
  };
}

function cloneChart(data: ChartData): ChartData {
  return { ...data, ranges: [...data.ranges], position: { ...data.position }, options: { ...data.options } };
}

export function makeChartBuilder(ctx: ServiceContext, sheet: SheetModel, from?: ChartData): unknown {
  const data: ChartData = from ? cloneChart(from) : {
    id: sheet.spreadsheet.newChartId(), type: '', ranges: [], position: { anchorRow: 1, anchorColumn: 1, offsetX: 0, offsetY: 0 }, options: {},
  };
  const impl = new EmbeddedChartBuilderImpl(ctx, sheet, data);
  impl.proxy = expose(ctx, 'EmbeddedChartBuilder', impl, { counted: false });
  return impl.proxy;
}

class ChartOptionsImpl {
  constructor(private readonly options: Record<string, unknown>) {}
  get(option: string): unknown { return this.options[option] ?? null; }
  getOrDefault(option: string): unknown { return this.options[option] ?? null; }
}

class ContainerInfoImpl {
  constructor(private readonly p: ChartData['position']) {}
  getAnchorRow(): number { return this.p.anchorRow; }
  getAnchorColumn(): number { return this.p.anchorColumn; }
  getOffsetX(): number { return this.p.offsetX; }
  getOffsetY(): number { return this.p.offsetY; }
}

class EmbeddedChartImpl {
  constructor(private readonly ctx: ServiceContext, readonly sheet: SheetModel, readonly data: ChartData) {}
  getChartId(): number { return this.data.id; }
  getId(): string { return `chart-${this.data.id}`; }
  getRanges(): unknown[] { return toRealmArray(this.ctx.realm, this.data.ranges.map((g) => this.ctx.api.range(g))); }
  getOptions(): unknown { return expose(this.ctx, 'ChartOptions', new ChartOptionsImpl({ ...this.data.options }), { counted: false }); }
  getContainerInfo(): unknown { return expose(this.ctx, 'ContainerInfo', new ContainerInfoImpl({ ...this.data.position }), { counted: false }); }
  modify(): unknown { return makeChartBuilder(this.ctx, this.sheet, this.data); }
}

export function makeEmbeddedChart(ctx: ServiceContext, sheet: SheetModel, data: ChartData): GoogleAppsScript.Spreadsheet.EmbeddedChart {
  return expose(ctx, 'EmbeddedChart', new EmbeddedChartImpl(ctx, sheet, data), { counted: false });
}

export function chartData(ctx: ServiceContext, chart: unknown): ChartData {
  const impl = implOf<EmbeddedChartImpl>(chart);
  if (!impl || !(impl instanceof EmbeddedChartImpl)) fail(ctx, 'Invalid argument: chart');
  return cloneChart(impl.data);
}

// --- Protection ----------------------------------------------------------------------------

class ProtectionImpl {
  proxy: unknown;
  constructor(private readonly ctx: ServiceContext, readonly sheet: SheetModel, readonly data: ProtectionData) {}
  getProtectionType(): string { return this.data.type; }
  getDescription(): string { return this.data.description; }
  setDescription(description: string): unknown { this.data.description = String(description); return this.proxy; }
  isWarningOnly(): boolean { return this.data.warningOnly; }
  setWarningOnly(warningOnly: boolean): unknown { this.data.warningOnly = Boolean(warningOnly); return this.proxy; }
  getEditors(): unknown[] { return toRealmArray(this.ctx.realm, this.data.editors.map((e) => expose(this.ctx, 'User', new ProtectionEditor(e), { counted: false }))); }
  addEditor(emailAddress: unknown): unknown { return this.addEditors([emailAddress]); }
  addEditors(emailAddresses: unknown[]): unknown {
    for (const e of emailAddresses) if (!this.data.editors.includes(editorEmail(e))) this.data.editors.push(editorEmail(e));
    return this.proxy;
  }
  removeEditor(emailAddress: unknown): unknown { return this.removeEditors([emailAddress]); }
  removeEditors(emailAddresses: unknown[]): unknown {
    const remove = new Set(emailAddresses.map(editorEmail));
    this.data.editors = this.data.editors.filter((e) => !remove.has(e));
    return this.proxy;
  }
  canDomainEdit(): boolean { return this.data.domainEdit; }
  setDomainEdit(editable: boolean): unknown { this.data.domainEdit = Boolean(editable); return this.proxy; }
  /** The offline user owns the spreadsheet, so may edit any protected range. */
  canEdit(): boolean { return true; }
  getRange(): unknown {
    const g = this.data.range ?? { sheet: this.sheet, row: 1, col: 1, numRows: this.sheet.maxRows, numCols: this.sheet.maxColumns };
    return this.ctx.api.range(g);
  }
  setUnprotectedRanges(ranges: unknown[]): unknown {
    if (this.data.type !== 'SHEET') fail(this.ctx, 'Unprotected ranges can only be set on a sheet protection.');
    this.data.unprotectedRanges = ranges.map((r) => gridOf(this.ctx, r, 'ranges'));
    return this.proxy;
  }
  getUnprotectedRanges(): unknown[] { return toRealmArray(this.ctx.realm, this.data.unprotectedRanges.map((g) => this.ctx.api.range(g))); }
  remove(): void {
    this.data.removed = true;
    this.sheet.protections = this.sheet.protections.filter((p) => p !== this.data);
  }
}

class ProtectionEditor {
  constructor(private readonly email: string) {}
  getEmail(): string { return this.email; }
}

function editorEmail(e: unknown): string {
  const user = implOf<ProtectionEditor>(e);
  return user instanceof ProtectionEditor ? user.getEmail() : String(e);
}

export function makeProtection(ctx: ServiceContext, sheet: SheetModel, data: ProtectionData): GoogleAppsScript.Spreadsheet.Protection {
  const impl = new ProtectionImpl(ctx, sheet, data);
  impl.proxy = expose(ctx, 'Protection', impl);
  return impl.proxy as GoogleAppsScript.Spreadsheet.Protection;
}
