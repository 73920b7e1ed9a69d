import type { RatingScale } from '../dataset';
import type { CatalogFormat, RatingsFormat } from '../parse';
import type { MovieLensName } from './spec';

/** Which files of a MovieLens release hold the ratings and the movies, and how they read. */
export interface Layout {
  ratings: string;
  ratingsFormat: Exclude<RatingsFormat, 'auto'>;
  catalog: string;
  catalogFormat: CatalogFormat;
}

export const LAYOUTS = {
  '100k': { ratings: 'u.data', ratingsFormat: 'tsv', catalog: 'u.item', catalogFormat: 'u.item' },
  dat: { ratings: 'ratings.dat', ratingsFormat: 'dat', catalog: 'movies.dat', catalogFormat: 'movies.dat' },
  csv: { ratings: 'ratings.csv', ratingsFormat: 'csv', catalog: 'movies.csv', catalogFormat: 'movies.csv' },
} as const satisfies Record<string, Layout>;

export interface MovieLensRelease {
  layout: Layout;
  scale: RatingScale;
  /** Number of ratings, to preallocate. */
  ratings: number;
}

const STARS = { min: 1, max: 5 };
const HALF_STARS = { min: 0.5, max: 5 };

/** The releases by name (the zip's folder, e.g. ml-10M100K/, does not matter: files are matched by name). */
export const MOVIELENS: Record<MovieLensName, MovieLensRelease> = {
  'ml-100k': { layout: LAYOUTS['100k'], scale: STARS, ratings: 100_000 },
  'ml-1m': { layout: LAYOUTS.dat, scale: STARS, ratings: 1_000_209 },
  'ml-10m': { layout: LAYOUTS.dat, scale: HALF_STARS, ratings: 10_000_054 },
  'ml-20m': { layout: LAYOUTS.csv, scale: HALF_STARS, ratings: 20_000_263 },
  'ml-25m': { layout: LAYOUTS.csv, scale: HALF_STARS, ratings: 25_000_095 },
  'ml-latest-small': { layout: LAYOUTS.csv, scale: HALF_STARS, ratings: 100_836 },
};

/** The layout a ratings file name belongs to (u.data, ratings.dat, ratings.csv), if any. */
export function layoutOfRatingsFile(fileName: string): Layout | undefined {
  return Object.values(LAYOUTS).find((l) => l.ratings === fileName);
}

/** The catalogue format a file name implies: MovieLens' own by their names, else an items file with a header. */
export function catalogFormatOf(fileName: string): CatalogFormat {
  const base = fileName.split('/').at(-1)!.toLowerCase();
  if (base === 'u.item') return 'u.item';
  if (base === 'movies.dat') return 'movies.dat';
  if (base === 'movies.csv') return 'movies.csv';
  return 'items';
}

/** The ratings format a file name implies; 'auto' (sniff the content) when it says nothing. */
export function ratingsFormatOf(fileName: string): RatingsFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('u.data') || lower.endsWith('.tsv')) return 'tsv';
  if (lower.endsWith('.dat')) return 'dat';
  if (lower.endsWith('.csv')) return 'csv';
  return 'auto';
}

/** An items (catalogue) file's name in a zip of your own: items, movies, products or catalog(ue), or u.item. */
export const isItemsFileName = (base: string): boolean =>
  base === 'u.item' || /^(items?|movies|products|catalog|catalogue)\.(csv|tsv|dat|txt)$/i.test(base);

/** A data file's name in a zip of your own (not a readme, licence or checksum): the interactions unless it is the items file. */
export const isRatingsFileName = (base: string): boolean =>
  !isItemsFileName(base) && !/^(readme|license|licence|changelog)/i.test(base) && /^[^.]+(\.(csv|tsv|dat|txt|data))?$|\.(csv|tsv|dat|data)$/i.test(base);
