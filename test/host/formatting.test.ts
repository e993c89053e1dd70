/**
 * Formatting and rules kept as data: number formats, fonts, fills, notes, data validation and
 * checkboxes, conditional format rules, charts, protections, frozen rows, widths.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/offline/host/index.ts';

function sheet() {
  const host = createHost();
  const app = host.globals.SpreadsheetApp;
  return { host, app, sheet: app.getActiveSheet() };
}

describe('cell formats', () => {
  it('number formats drive getDisplayValues; unformatted cells report "0.###############"', () => {
    const { sheet: s } = sheet();
    s.getRange('A1:C1').setValues([[1234.5, 0.25, 3]]);
    s.getRange('A1:B1').setNumberFormats([['#,##0.00', '0%']]);
    expect(s.getRange('A1:C1').getNumberFormats()).toEqual([['#,##0.00', '0%', '0.###############']]);
    expect(s.getRange('A1:C1').getDisplayValues()).toEqual([['1,234.50', '25%', '3']]);
  });

  it('fonts, backgrounds and notes: set on a range, read per cell with Sheets\' defaults', () => {
    const { sheet: s } = sheet();
    s.getRange('A1:B1').setFontWeight('bold').setBackground('#ABC').setNote('header');
    s.getRange('B1').setFontColor('red').setHorizontalAlignment('center').setWrap(true);
    expect(s.getRange('A1:C1').getFontWeights()).toEqual([['bold', 'bold', 'normal']]);
    expect(s.getRange('A1:C1').getBackgrounds()).toEqual([['#aabbcc', '#aabbcc', '#ffffff']]);
    expect(s.getRange('A1:C1').getNotes()).toEqual([['header', 'header', '']]);
    expect([s.getRange('B1').getFontColor(), s.getRange('B1').getHorizontalAlignment(), s.getRange('B1').getWrap()]).toEqual(['#ff0000', 'center', true]);
    expect(() => s.getRange('A1:B1').setBackgrounds([['#fff']])).toThrow(/The number of columns in the data does not match/);
  });
});

describe('data validation and checkboxes', () => {
  it('requireValueInList / requireCheckbox rules are kept and read back', () => {
    const { sheet: s, app } = sheet();
    const list = app.newDataValidation().requireValueInList(['New', 'Won', 'Lost'], true).setAllowInvalid(false).setHelpText('Pick one').build();
    s.getRange('B2:B3').setDataValidation(list);
    const rule = s.getRange('B3').getDataValidation()!;
    expect(rule.getCriteriaType()).toBe(app.DataValidationCriteria.VALUE_IN_LIST);
    expect(rule.getCriteriaValues()).toEqual([['New', 'Won', 'Lost'], true]);
    expect([rule.getAllowInvalid(), rule.getHelpText()]).toEqual([false, 'Pick one']);
    expect(s.getRange('B1').getDataValidation()).toBeNull();
    expect(rule.copy().requireCheckbox().build().getCriteriaType()).toBe('CHECKBOX');
  });

  it('insertCheckboxes sets FALSE; check/uncheck only touch checkbox cells; isChecked is null when mixed', () => {
    const { sheet: s } = sheet();
    const boxes = s.getRange('A1:A3');
    boxes.insertCheckboxes();
    expect(boxes.getValues()).toEqual([[false], [false], [false]]);
    expect(boxes.isChecked()).toBe(false);
    s.getRange('A2').check();
    expect(boxes.isChecked()).toBeNull();
    boxes.check();
    expect(boxes.isChecked()).toBe(true);
    expect(boxes.getValues()).toEqual([[true], [true], [true]]);
    s.getRange('B1').setValue('not a box');
    s.getRange('A1:B1').uncheck();
    expect(s.getRange('A1:B1').getValues()).toEqual([[false, 'not a box']]);
    expect(s.getRange('A1:B1').isChecked()).toBeNull();
  });
});

describe('conditional format rules', () => {
  it('builder rules (whenNumberLessThan, whenFormulaSatisfied, whenTextEqualTo) round-trip through the sheet', () => {
    const { sheet: s, app, host } = sheet();
    const negative = app.newConditionalFormatRule().whenNumberLessThan(0).setFontColor('#ff0000').setRanges([s.getRange('B2:B100')]).build();
    const stale = app.newConditionalFormatRule().whenFormulaSatisfied('=$C2>30').setBackground('#ffe0e0').setRanges([s.getRange('A2:D100')]).build();
    const won = app.newConditionalFormatRule().whenTextEqualTo('Won').setBackground('#e0ffe0').setRanges([s.getRange('E:E')]).build();
    s.setConditionalFormatRules([negative, stale, won]);
    const rules = s.getConditionalFormatRules();
    expect(rules.map((r) => r.getBooleanCondition()!.getCriteriaType())).toEqual(['NUMBER_LESS_THAN', 'CUSTOM_FORMULA', 'TEXT_EQUAL_TO']);
    expect(rules[1].getBooleanCondition()!.getCriteriaValues()).toEqual(['=$C2>30']);
    expect(rules[0].getRanges()[0].getA1Notation()).toBe('B2:B100');
    expect(host.inspectSheet('Sheet1').conditionalFormatRules[2]).toEqual({
      condition: { type: 'TEXT_EQUAL_TO', values: ['Won'] }, format: { background: '#e0ffe0' }, ranges: ['Sheet1!E1:E1000'],
    });
  });
});

describe('charts, protection and sheet settings', () => {
  it('charts are kept as data: type, ranges, position, options', () => {
    const { sheet: s, host } = sheet();
    const chart = s.newChart().asColumnChart().addRange(s.getRange('A1:B5')).setPosition(2, 4, 10, 0).setOption('title', 'Net lead flow').build();
    s.insertChart(chart);
    expect(host.inspectSheet('Sheet1').charts).toEqual([{
      id: 1, type: 'COLUMN', ranges: ['Sheet1!A1:B5'], position: { anchorRow: 2, anchorColumn: 4, offsetX: 10, offsetY: 0 }, options: { title: 'Net lead flow' },
    }]);
    const [inserted] = s.getCharts();
    s.updateChart(inserted.modify().setChartType(host.globals.Charts.ChartType.LINE).build());
    expect(host.inspectSheet('Sheet1').charts[0].type).toBe('LINE');
    expect(s.getCharts()[0].getOptions().get('title')).toBe('Net lead flow');
    s.removeChart(s.getCharts()[0]);
    expect(s.getCharts()).toEqual([]);
  });

  it('protect() returns the sheet protection; description, warning-only and editors are kept', () => {
    const { sheet: s, app } = sheet();
    const p = s.protect().setDescription('LeadFlow setup').setWarningOnly(true);
    p.removeEditors(['someone@example.com']);
    expect(s.protect().getDescription()).toBe('LeadFlow setup');
    expect(s.getProtections(app.ProtectionType.SHEET)).toHaveLength(1);
    expect(s.getProtections(app.ProtectionType.SHEET)[0].isWarningOnly()).toBe(true);
    s.getRange('A1:B2').protect().setDescription('range');
    expect(s.getProtections(app.ProtectionType.RANGE)[0].getRange().getA1Notation()).toBe('A1:B2');
  });

  it('frozen rows, widths, tab colour and hiding (the last visible sheet cannot be hidden)', () => {
    const { sheet: s, host, app } = sheet();
    s.setFrozenRows(1);
    s.setColumnWidth(2, 240);
    s.setTabColor('#0b8043');
    expect([s.getFrozenRows(), s.getColumnWidth(2), s.getColumnWidth(3), s.getTabColor()]).toEqual([1, 240, 100, '#0b8043']);
    expect(() => s.hideSheet()).toThrow("You can't hide all the sheets in a document.");
    app.getActive().insertSheet('Other');
    s.hideSheet();
    expect(host.inspectSheet('Sheet1')).toMatchObject({ hidden: true, frozenRows: 1, tabColor: '#0b8043', columnWidths: { 2: 240 } });
  });
});
