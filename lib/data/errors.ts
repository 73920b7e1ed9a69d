import type { BadLineReport } from './parse/types';

/**
 * Input data we cannot use: empty input, too many bad lines, an unreadable format.
 * The message says what and where (data set name, quoted bad lines with 1-based
 * line numbers), so it can be shown as is; `bad` carries the details when lines
 * were the problem.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly bad?: BadLineReport;
  /** The message quotes the data itself (lines, header names, values): fine for its owner, not for every caller. */
  readonly quotesData: boolean;

  constructor(message: string, bad?: BadLineReport, options: { quotesData?: boolean } = {}) {
    super(message);
    if (bad) this.bad = bad;
    this.quotesData = options.quotesData ?? bad !== undefined;
  }
}
