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
export { parseCatalog, parseCatalogText, U_ITEM_GENRES, type CatalogFormat } from './catalog';
export { decodeUtf8OrLatin1 } from './text';
export type { RatingRecord } from './format';
export { formatRatingsLine, formatRatings, formatCatalog } from './format';
export { detectRatingsFormat } from '../format-detect';
export { DataError } from '../errors';
