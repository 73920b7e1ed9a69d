import type { Dataset } from '../dataset';
import type { DuplicateReport } from './duplicates';
import type { ColumnLayout, InteractionsFormat } from './schema';

export type RatingsFormat = 'dat' | 'tsv' | 'csv' | 'whitespace' | 'auto';
export type ConcreteRatingsFormat = Exclude<RatingsFormat, 'auto'>;

export interface BadLine {
  /** 1-based physical line number in the input. */
  line: number;
  text: string;
  reason: string;
}

export interface BadLineReport {
  count: number;
  /** The first few bad lines, in input order. */
  examples: BadLine[];
}

/** The schema (columns, separator, header, scale, duplicates, event weights) and how to read. */
export interface ParseOptions extends InteractionsFormat {
  /** A MovieLens separator ('dat' '::', 'tsv', 'csv', 'whitespace'); 'auto' (default): sniffed. `separator` wins. */
  format?: RatingsFormat;
  /** Data set name for messages and Dataset.name (default 'ratings'). */
  name?: string;
  /** Fail when bad lines / data lines exceeds this (default 0.01). */
  maxBadShare?: number;
  /** Called once at the end when there were bad lines but not too many. */
  onWarning?: (message: string) => void;
  /**
   * Expected number of ratings, to preallocate. An over-estimate is cheap (file bytes / 6
   * is an upper bound for any format); too small only means one extra copy at the end.
   */
  sizeHint?: number;
}

export interface ParseResult {
  dataset: Dataset;
  /** Data lines read: good + bad (blank lines and a header are not counted). */
  lines: number;
  bad: BadLineReport;
  /** How the columns were read. */
  layout: ColumnLayout;
  /** Whether the scale was given (ratings outside it were bad lines) or is the data's own range. */
  scaleFrom: 'declared' | 'data';
  duplicates: DuplicateReport;
  /** Of the total, the time spent finding and resolving repeated pairs. */
  duplicateSeconds: number;
  /** The newest timestamp of the file (as written: Unix seconds for MovieLens), when it has a timestamp column. */
  newestTime?: number;
}

export interface CatalogParseOptions {
  name?: string;
  /** How an items file's ids read: as the ratings' item ids do (default 'int'). */
  ids?: 'int' | 'string';
  maxBadShare?: number;
  onWarning?: (message: string) => void;
}
