/**
 * Movie catalogs: title and genres per movie id.
 *   u.item (ML-100K): `id|title|release date|video release date|IMDb URL|19 genre flags`, Latin-1
 *   movies.dat (ML-1M/10M): `id::title::Genre|Genre`, Latin-1 or UTF-8
 *   movies.csv (ML-20M/25M/latest): `movieId,title,genres` with a header, RFC 4180 quoting, UTF-8;
 *     "(no genres listed)" means none
 * Encoding: valid UTF-8 is read as UTF-8, anything else as Latin-1. Malformed lines and
 * repeated ids are bad lines, handled like the ratings parser's (counted, quoted,
 * fatal above maxBadShare).
 */
import type { Catalog, CatalogEntry } from '../dataset';
import { DataError } from '../errors';
import { BadLineCollector, checkMaxBadShare, describeBadLines, enforceBadShare } from './bad-lines';
import { csvRecords } from './csv';
import { MAX_ID } from './slow-line';
import { collectBytes, decodeUtf8OrLatin1 } from './text';
import type { CatalogParseOptions } from './types';

export type CatalogFormat = 'u.item' | 'movies.dat' | 'movies.csv';

/** ML-100K u.item genre flag columns, in order. */
export const U_ITEM_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama',
  'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

const NO_GENRES = '(no genres listed)';

type Row = { id: number; entry: CatalogEntry } | { reason: string };

function parseMovieId(field: string | undefined): number | string {
  const text = (field ?? '').trim();
  if (!/^\d+$/.test(text)) return `movie id ${JSON.stringify(text)} is not a non-negative integer`;
  const id = Number(text);
  return id > MAX_ID ? `movie id ${text} is out of range [0, 2^31)` : id;
}

function splitGenres(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === NO_GENRES) return [];
  return trimmed.split('|').map((g) => g.trim()).filter((g) => g !== '');
}

function uItemRow(line: string): Row {
  const fields = line.split('|');
  if (fields.length !== 5 + U_ITEM_GENRES.length) {
    return { reason: `expected ${5 + U_ITEM_GENRES.length} '|'-separated fields, found ${fields.length}` };
  }
  const id = parseMovieId(fields[0]);
  if (typeof id === 'string') return { reason: id };
  const genres: string[] = [];
  for (let g = 0; g < U_ITEM_GENRES.length; g++) {
    const flag = fields[5 + g]!.trim();
    if (flag !== '0' && flag !== '1') return { reason: `genre flag ${JSON.stringify(flag)} is not 0 or 1` };
    if (flag === '1') genres.push(U_ITEM_GENRES[g]!);
  }
  return { id, entry: { title: fields[1]!, genres } };
}

function moviesDatRow(line: string): Row {
  const first = line.indexOf('::');
  const last = line.lastIndexOf('::');
  if (first === -1 || last === first) return { reason: "expected 'id::title::genres'" };
  const id = parseMovieId(line.slice(0, first));
  if (typeof id === 'string') return { reason: id };
  return { id, entry: { title: line.slice(first + 2, last), genres: splitGenres(line.slice(last + 2)) } };
}

function* lines(text: string): Generator<{ line: number; raw: string; row?: Row }> {
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    yield { line, raw: raw.endsWith('\r') ? raw.slice(0, -1) : raw };
  }
}

function* rows(text: string, format: CatalogFormat): Generator<{ line: number; raw: string; row: Row }> {
  if (format === 'movies.csv') {
    let first = true;
    for (const { line, fields, raw } of csvRecords(text)) {
      if (raw.trim() === '') continue;
      if (first && /^\s*"?movieId"?\s*,/i.test(raw)) {
        first = false;
        continue;
      }
      first = false;
      if (fields.length !== 3) {
        yield { line, raw, row: { reason: `expected 3 comma-separated fields, found ${fields.length}` } };
        continue;
      }
      const id = parseMovieId(fields[0]);
      yield {
        line,
        raw,
        row: typeof id === 'string' ? { reason: id } : { id, entry: { title: fields[1]!, genres: splitGenres(fields[2]!) } },
      };
    }
    return;
  }
  const parseRow = format === 'u.item' ? uItemRow : moviesDatRow;
  for (const { line, raw } of lines(text)) {
    if (raw.trim() === '') continue;
    yield { line, raw, row: parseRow(raw) };
  }
}

/** Parses a catalog file's text (already decoded). */
export function parseCatalogText(text: string, format: CatalogFormat, options: CatalogParseOptions = {}): Catalog {
  const name = options.name ?? format;
  const maxBadShare = checkMaxBadShare(options.maxBadShare ?? 0.01);
  const catalog: Catalog = new Map();
  const bad = new BadLineCollector();
  let total = 0;
  for (const { line, raw, row } of rows(text, format)) {
    total++;
    if ('reason' in row) {
      bad.add(line, raw, row.reason);
    } else if (catalog.has(row.id)) {
      bad.add(line, raw, `movie id ${row.id} appeared before`);
    } else {
      catalog.set(row.id, row.entry);
    }
  }
  const report = bad.report();
  if (catalog.size === 0) {
    const why = report.count > 0 ? `: ${describeBadLines(name, report, total)}` : '';
    throw new DataError(`no movies in ${name}${why}`, report.count > 0 ? report : undefined);
  }
  enforceBadShare(name, report, total, maxBadShare, options.onWarning);
  return catalog;
}

/**
 * Parses a catalog file (u.item, movies.dat or movies.csv) arriving in chunks. The
 * file is small (tens of thousands of movies), so it is collected and decoded whole.
 */
export async function parseCatalog(
  chunks: AsyncIterable<Uint8Array>,
  format: CatalogFormat,
  options: CatalogParseOptions = {},
): Promise<Catalog> {
  return parseCatalogText(decodeUtf8OrLatin1(await collectBytes(chunks)), format, options);
}
