/**
 * The one error type the offline file layer throws for anything a user can fix about a file:
 * wrong kind of file, empty file, missing or bad header row, too many cells, rows wider than
 * the header, refusing to overwrite an existing output. The CLI prints `message` and exits
 * non-zero; the message always names the file and says what was expected.
 */
export type LeadsFileErrorCode =
  | 'NOT_FOUND'
  | 'UNSUPPORTED_TYPE'
  | 'EMPTY'
  | 'NO_HEADER'
  | 'TOO_LARGE'
  | 'ROW_TOO_WIDE'
  | 'MALFORMED'
  | 'EXISTS'
  | 'WRITE_FAILED';

export class LeadsFileError extends Error {
  readonly code: LeadsFileErrorCode;
  /** The file the error is about (as given by the caller), or a label such as "CSV text". */
  readonly file: string;

  constructor(code: LeadsFileErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'LeadsFileError';
    this.code = code;
    this.file = file;
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

export { columnLetter } from '../../core/values';
