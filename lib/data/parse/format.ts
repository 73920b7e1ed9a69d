import type { Catalog } from '../dataset';
import { FORMAT_SEPARATORS } from './slow-line';
import type { ConcreteRatingsFormat } from './types';
import type { CatalogFormat } from './catalog';
import { U_ITEM_GENRES } from './catalog';


export interface RatingRecord {
  user: number;
  item: number;
  rating: number;
  timestamp?: number;
}

/** One ratings line (without newline) in the given format; parseRatings reads it back. */
export function formatRatingsLine(format: ConcreteRatingsFormat, r: RatingRecord): string {
  const sep = FORMAT_SEPARATORS[format].text;
  const head = `${r.user}${sep}${r.item}${sep}${r.rating}`;
  return r.timestamp === undefined ? head : `${head}${sep}${r.timestamp}`;
}

/** A whole ratings file: a header for csv, one line per record, newline-terminated. */
export function formatRatings(
  format: ConcreteRatingsFormat,
  records: Iterable<RatingRecord>,
  options: { header?: boolean; eol?: '\n' | '\r\n' } = {},
): string {
  const eol = options.eol ?? '\n';
  const lines: string[] = [];
  const all = [...records];
  // A header names the timestamp column only when every record has one (a csv line cannot skip a named column).
  const timed = all.length > 0 && all.every((r) => r.timestamp !== undefined);
  const names = timed ? ['userId', 'movieId', 'rating', 'timestamp'] : ['userId', 'movieId', 'rating'];
  if (options.header ?? format === 'csv') lines.push(names.join(FORMAT_SEPARATORS[format].text));
  for (const r of all) lines.push(formatRatingsLine(format, r));
  return lines.length === 0 ? '' : lines.join(eol) + eol;
}

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** A catalog file's text (encode it as UTF-8 or Latin-1 yourself), parseCatalog's inverse. */
export function formatCatalog(format: CatalogFormat, catalog: Catalog): string {
  const lines: string[] = [];
  if (format === 'movies.csv') lines.push('movieId,title,genres');
  for (const [id, { title, genres }] of catalog) {
    if (format === 'movies.csv') {
      lines.push(`${id},${csvField(title)},${csvField(genres.length ? genres.join('|') : '(no genres listed)')}`);
    } else if (format === 'movies.dat') {
      lines.push(`${id}::${title}::${genres.join('|')}`);
    } else {
      const flags = U_ITEM_GENRES.map((g) => (genres.includes(g) ? '1' : '0'));
      lines.push([id, title, '01-Jan-1995', '', 'http://example.invalid/', ...flags].join('|'));
    }
  }
  return lines.join('\n') + '\n';
}
