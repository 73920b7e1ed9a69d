import type { Dataset, RatingScale } from '../dataset';

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

export interface ParseOptions {
  /** 'auto' (default): sniffed from the first lines. */
  format?: RatingsFormat;
  /** Data set name for messages and Dataset.name (default 'ratings'). */
  name?: string;
  /**
   * Accepted rating range; ratings outside it are bad lines. Default: the {min, max}
   * of the good ratings. Non-finite ratings are always bad.
   */
  scale?: RatingScale;
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
}

export interface CatalogParseOptions {
  name?: string;
  maxBadShare?: number;
  onWarning?: (message: string) => void;
}
