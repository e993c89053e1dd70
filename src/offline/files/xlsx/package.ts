/**
 * The parts around the sheets: content types, relationships, document properties and the
 * workbook itself (sheets in order, hidden ones marked, defined names).
 */
import { escapeAttr, escapeText, XML_HEAD } from './xml.ts';

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface SheetEntry {
  name: string;
  hidden?: boolean;
  /** Charts on the sheet (0 for none): one drawing part holds them. */
  charts: number;
}

/** Where each sheet's drawing and charts go: drawings numbered per sheet with charts, charts across the workbook. */
export interface PartPlan {
  sheets: { name: string; hidden: boolean; drawing: number | null; charts: number[] }[];
}

export function planParts(sheets: SheetEntry[]): PartPlan {
  let drawing = 0;
  let chart = 0;
  return {
    sheets: sheets.map((s) => ({
      name: s.name,
      hidden: !!s.hidden,
      drawing: s.charts ? ++drawing : null,
      charts: Array.from({ length: s.charts }, () => ++chart),
    })),
  };
}

export function contentTypes(p: PartPlan): string {
  const o = (part: string, type: string) => `<Override PartName="${part}" ContentType="application/vnd.openxmlformats-${type}"/>`;
  let xml = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
    + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + o('/xl/workbook.xml', 'officedocument.spreadsheetml.sheet.main+xml');
  p.sheets.forEach((s, i) => {
    xml += o(`/xl/worksheets/sheet${i + 1}.xml`, 'officedocument.spreadsheetml.worksheet+xml');
    if (s.drawing) xml += o(`/xl/drawings/drawing${s.drawing}.xml`, 'officedocument.drawing+xml');
    for (const c of s.charts) xml += o(`/xl/charts/chart${c}.xml`, 'officedocument.drawingml.chart+xml');
  });
  return `${xml}${o('/xl/styles.xml', 'officedocument.spreadsheetml.styles+xml')}`
    + `${o('/docProps/core.xml', 'package.core-properties+xml')}${o('/docProps/app.xml', 'officedocument.extended-properties+xml')}</Types>`;
}

export const rootRels = () => `${XML_HEAD}<Relationships xmlns="${PKG_REL}">`
  + `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>`
  + `<Relationship Id="rId2" Type="${PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>`
  + `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/>`
  + '</Relationships>';

export function appXml(p: PartPlan): string {
  const names = p.sheets.map((s) => `<vt:lpstr>${escapeText(s.name)}</vt:lpstr>`).join('');
  return `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">`
    + '<Application>LeadFlow</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>'
    + `<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${p.sheets.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>`
    + `<TitlesOfParts><vt:vector size="${p.sheets.length}" baseType="lpstr">${names}</vt:vector></TitlesOfParts>`
    + '<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>';
}

export function coreXml(date: Date): string {
  const at = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`
    + '<dc:creator>LeadFlow</dc:creator><cp:lastModifiedBy>LeadFlow</cp:lastModifiedBy>'
    + `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified></cp:coreProperties>`;
}

export interface DefinedName {
  name: string;
  /** The reference, e.g. 'Funnel'!$A$1:$R$40. */
  ref: string;
  /** Index of the sheet the name belongs to (print areas), or none for a workbook name. */
  sheet?: number;
}

export function workbookXml(p: PartPlan, names: DefinedName[]): string {
  const active = Math.max(0, p.sheets.findIndex((s) => !s.hidden));
  const sheets = p.sheets.map((s, i) => `<sheet name="${escapeAttr(s.name)}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="rId${i + 1}"/>`).join('');
  const defined = names.map((n) => `<definedName name="${escapeAttr(n.name)}"${n.sheet !== undefined ? ` localSheetId="${n.sheet}"` : ''}>${escapeText(n.ref)}</definedName>`).join('');
  return `${XML_HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}">`
    + '<workbookPr/>'
    + `<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="16000" firstSheet="0" activeTab="${active}"/></bookViews>`
    + `<sheets>${sheets}</sheets>`
    + (defined ? `<definedNames>${defined}</definedNames>` : '')
    + '<calcPr calcId="191029"/></workbook>';
}

export function workbookRels(p: PartPlan): string {
  const sheets = p.sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('');
  return `${XML_HEAD}<Relationships xmlns="${PKG_REL}">${sheets}<Relationship Id="rId${p.sheets.length + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`;
}

/** A sheet's relationships: its drawing. */
export const sheetRels = (drawing: number) => `${XML_HEAD}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/drawing" Target="../drawings/drawing${drawing}.xml"/></Relationships>`;

/** A drawing's relationships: chart k of the drawing as rId{k+1}. */
export const drawingRels = (charts: number[]) => `${XML_HEAD}<Relationships xmlns="${PKG_REL}">${charts.map((c, k) => `<Relationship Id="rId${k + 1}" Type="${REL}/chart" Target="../charts/chart${c}.xml"/>`).join('')}</Relationships>`;
