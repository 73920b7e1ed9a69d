export type {
  RatingsFormat,
  ConcreteRatingsFormat,
  BadLine,
  BadLineReport,
  ParseOptions,
  ParseResult,
  CatalogParseOptions,
} from './types';
export { parseRatings, parseRatingsBuffer } from './ratings';
export { parseRatingsFile, type FileParseOptions } from './file';
export { parseCatalog, parseCatalogText, U_ITEM_GENRES, type CatalogFormat } from './catalog';
export { decodeUtf8OrLatin1 } from './text';
export type { RatingRecord } from './format';
export { formatRatingsLine, formatRatings, formatCatalog } from './format';
export { detectSeparator } from '../format-detect';
export { COLUMN_ROLES, describeLayout, type ColumnLayout, type ColumnSpec, type DuplicatePolicy, type InteractionsFormat } from './schema';
export type { DuplicateReport } from './duplicates';
export { DataError } from '../errors';
