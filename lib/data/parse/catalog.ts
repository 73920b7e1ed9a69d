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
import { stringIdProblem, type ExternalId } from '../external-id';
import { detectSeparator } from '../format-detect';
import { SEPARATORS, splitFields } from './slow-line';
import { DataError } from '../errors';
import { BadLineCollector, checkMaxBadShare, describeBadLines, enforceBadShare } from './bad-lines';
import { csvRecords } from './csv';
import { MAX_ID } from './slow-line';
import { collectBytes, decodeUtf8OrLatin1 } from './text';
import type { CatalogParseOptions } from './types';

/** MovieLens' three catalogue files, or 'items': your own, with a header naming its columns. */
export type CatalogFormat = 'u.item' | 'movies.dat' | 'movies.csv' | 'items';

/** ML-100K u.item genre flag columns, in order. */
export const U_ITEM_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama',
  'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

const NO_GENRES = '(no genres listed)';

type Row = { id: ExternalId; entry: CatalogEntry } | { reason: string };

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

/** Header names of an items file (case-insensitive; spaces, dashes and underscores ignored) and what each holds. */
const ITEM_COLUMNS: Record<'id' | 'title' | 'genres' | 'year', readonly string[]> = {
  id: ['id', 'item', 'itemid', 'movie', 'movieid', 'product', 'productid', 'sku', 'article', 'articleid'],
  title: ['title', 'name', 'productname'],
  genres: ['genres', 'genre', 'categories', 'category', 'tags'],
  year: ['year', 'releaseyear'],
};
const itemColumn = (name: string) =>
  (Object.keys(ITEM_COLUMNS) as (keyof typeof ITEM_COLUMNS)[]).find((c) =>
    ITEM_COLUMNS[c].includes(name.trim().replace(/^"|"$/g, '').toLowerCase().replace(/[\s_-]/g, '')),
  );

/**
 * Your own items file: a header naming its columns (an id; optionally a title, genres or
 * categories separated by '|' or ';', a year), then one item per line, any separator the
 * ratings parser reads, csv quotes understood. Ids are read as the ratings' item ids are.
 */
function* itemRows(text: string, ids: 'int' | 'string', name: string): Generator<{ line: number; raw: string; row: Row }> {
  const all = [...lines(text)].filter((l) => l.raw.trim() !== '');
  const header = all.shift();
  if (!header) return;
  const sepText = detectSeparator(new TextEncoder().encode(header.raw)) ?? ',';
  const sep = SEPARATORS[sepText];
  const names = splitFields(header.raw, sep);
  const roles = names.map(itemColumn);
  const unknown = names.filter((_, k) => roles[k] === undefined);
  if (unknown.length || !roles.includes('id')) {
    const known = Object.entries(ITEM_COLUMNS).map(([c, aliases]) => `${c} (${aliases.slice(0, 4).join(', ')}...)`).join('; ');
    throw new DataError(
      `${name}: ${unknown.length ? `unknown column name(s) ${unknown.map((u) => JSON.stringify(u)).join(', ')}` : 'no id column'} in the items header; known names: ${known}`,
      undefined,
      { quotesData: true },
    );
  }
  const at = (c: keyof typeof ITEM_COLUMNS) => roles.indexOf(c);
  for (const { line, raw } of all) {
    const fields = splitFields(raw, sep);
    if (fields.length !== names.length) {
      yield { line, raw, row: { reason: `expected ${names.length} fields separated by ${JSON.stringify(sep.text)}, found ${fields.length}` } };
      continue;
    }
    const idText = fields[at('id')]!;
    const id = ids === 'int' ? parseMovieId(idText) : stringIdProblem(idText) ? `item id ${JSON.stringify(idText)} ${stringIdProblem(idText)}` : idText;
    if (ids === 'int' ? typeof id === 'string' : id !== idText) {
      yield { line, raw, row: { reason: String(id) } };
      continue;
    }
    const year = at('year') >= 0 ? fields[at('year')]! : '';
    if (year !== '' && !/^\d{4}$/.test(year)) {
      yield { line, raw, row: { reason: `year ${JSON.stringify(year)} is not a four-digit year` } };
      continue;
    }
    const genres = at('genres') >= 0 ? fields[at('genres')]!.split(/[|;]/).map((g) => g.trim()).filter(Boolean) : [];
    const title = at('title') >= 0 ? fields[at('title')]! : String(idText);
    yield { line, raw, row: { id, entry: { title, genres, ...(year ? { year: Number(year) } : {}) } } };
  }
}

function* rows(text: string, format: CatalogFormat, ids: 'int' | 'string' = 'int', name: string = format): Generator<{ line: number; raw: string; row: Row }> {
  if (format === 'items') {
    yield* itemRows(text, ids, name);
    return;
  }
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
  for (const { line, raw, row } of rows(text, format, options.ids, name)) {
    total++;
    if ('reason' in row) {
      bad.add(line, raw, row.reason);
    } else if (catalog.has(row.id)) {
      bad.add(line, raw, `movie id ${JSON.stringify(row.id)} appeared before`);
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
