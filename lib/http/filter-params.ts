/**
 * The filter parameters of every list endpoint: `genres` (any of), `excludeGenres`,
 * `exclude` (movie ids) and `years` (`1995` or `1990-1999`). In a query string each is
 * one comma-separated list; in a JSON body, an array (years: the same text).
 */
import type { ExternalId } from '../data/external-id';
import type { IdIndex } from '../serving/id-index';
import type { ItemFilter } from '../serving/item-filter';
import { HttpError } from './errors';
import { checkPostedId, idFromText } from './ids';
import { MAX_FILTER_VALUES, single, type ParamSource } from './params';

const YEARS = /^(\d{1,4})(?:-(\d{1,4}))?$/;

function years(text: string): { from: number; to: number } {
  const m = YEARS.exec(text.trim());
  if (!m) throw new HttpError(400, 'invalid-request', `years must be a year or a range such as 1990-1999, got ${JSON.stringify(text)}`);
  return { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
}

function list(text: string | undefined, name: string): string[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new HttpError(400, 'invalid-request', `${name} has an empty entry: give a comma-separated list`);
  if (values.length > MAX_FILTER_VALUES) throw new HttpError(400, 'invalid-request', `${name} takes at most ${MAX_FILTER_VALUES} values`);
  return values;
}

/** The filter of a GET request (query string or urlencoded body), its movie ids read as the model's. */
export function filterFromParams(sources: ParamSource[], items: IdIndex): ItemFilter {
  const genres = list(single(sources, ['genres']), 'genres');
  const excludeGenres = list(single(sources, ['excludeGenres']), 'excludeGenres');
  const exclude = list(single(sources, ['exclude']), 'exclude')?.map((id) => idFromText(items, id, 'movie'));
  const range = single(sources, ['years']);
  return {
    ...(genres ? { genres } : {}),
    ...(excludeGenres ? { excludeGenres } : {}),
    ...(exclude ? { exclude } : {}),
    ...(range !== undefined ? { years: years(range) } : {}),
  };
}

/** The filter fields of a JSON body (VisitorBody's genres, excludeGenres, exclude, years). */
export function filterFromBody(
  body: { genres?: string[]; excludeGenres?: string[]; exclude?: ExternalId[]; years?: string },
  items: IdIndex,
): ItemFilter {
  return {
    ...(body.genres ? { genres: body.genres } : {}),
    ...(body.excludeGenres ? { excludeGenres: body.excludeGenres } : {}),
    ...(body.exclude ? { exclude: body.exclude.map((id) => checkPostedId(items, id, 'movie')) } : {}),
    ...(body.years !== undefined ? { years: years(body.years) } : {}),
  };
}
