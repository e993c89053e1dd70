/** The sheets LeadFlow built, kept in a document property ({ sheetId: kind }), so it never mistakes one for the user's. */
import type { Kind } from '../core/report/grid';

export const BUILT_PROPERTY = 'leadflow.builtSheets';

export function builtSheetIds(): Record<string, Kind> {
  return JSON.parse(PropertiesService.getDocumentProperties().getProperty(BUILT_PROPERTY) || '{}');
}
