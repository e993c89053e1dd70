/** The shapes the corpus hands out (re-exported by ../index.ts). */

export type Role = 'arrived' | 'status' | 'result' | 'source' | 'owner' | 'value' | 'removedAt';

export interface Truth {
  /** Real lead rows (footers and blank trailing rows excluded). */
  leads: number;
  /** Header of the column that plays each role. */
  columns: Partial<Record<Role, string>>;
  /** Stage name → header of the column with the date the lead reached it. */
  stageDates?: Record<string, string>;
  /** Stage name → header of a yes/no column saying the lead reached it. */
  stageFlags?: Record<string, string>;
  /** How numeric dates are written, when they are numeric. */
  dateOrder?: 'dmy' | 'mdy' | 'ymd';
  /** The pipeline's stages in order. */
  stages: string[];
  exits: { name: string; removes: boolean }[];
  /** Status spellings in the file that belong to no stage or exit. */
  unplaced: string[];
  /** All leads: how many reached each stage. */
  funnel: number[];
  bySource?: { group: string; leads: number; reached: number[] }[];
  byMonth?: { month: string; leads: number; reached: number[] }[];
  /** Per stage: sum of the deal value of the leads that reached it (blank values count 0). */
  value?: number[];
  /** Leads that left through a removing exit. */
  removed?: number;
  /** Leads with no arrival date. */
  noDate?: number;
}

export interface CorpusExport {
  id: string;
  tool: string;
  fileName: string;
  /** The zone the export's wall-clock dates are in. */
  timeZone: string;
  /** The file's exact bytes (the same bytes on every call). */
  bytes(): Promise<Buffer>;
  truth: Truth;
}
