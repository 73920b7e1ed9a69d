import { zipSync, strToU8 } from 'fflate';
import type { Catalog } from '../../lib/data/dataset';
import { formatCatalog, formatRatings, type RatingRecord } from '../../lib/data/parse';
import { createRng } from '../../lib/data/random';

/** Small made-up ratings: `users` users rating a few of `movies` movies each, on the given star step. */
export function makeRatings(users: number, movies: number, seed: number, halfStars = false): RatingRecord[] {
  const rng = createRng(seed);
  const out: RatingRecord[] = [];
  for (let user = 1; user <= users; user++) {
    const rated = new Set<number>();
    const count = 2 + rng.nextInt(Math.min(6, movies - 1));
    while (rated.size < count) rated.add(1 + rng.nextInt(movies));
    for (const item of rated) {
      const rating = halfStars ? (1 + rng.nextInt(10)) / 2 : 1 + rng.nextInt(5);
      out.push({ user, item, rating, timestamp: 900_000_000 + out.length });
    }
  }
  return out;
}

export function makeCatalog(movies: number): Catalog {
  const catalog: Catalog = new Map();
  for (let id = 1; id <= movies; id++) catalog.set(id, { title: `Film ${id} (${1950 + id})`, genres: id % 2 ? ['Comedy'] : ['Drama', 'War'] });
  return catalog;
}

export const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** An ML-100K-style zip: ml-100k/u.data (tabs), u.item (Latin-1), plus files to skip. */
export function ml100kZip(ratings: RatingRecord[], catalog: Catalog): Uint8Array {
  return zipSync({
    'ml-100k/README': strToU8('made-up data for tests\n'),
    'ml-100k/u1.base': strToU8(formatRatings('tsv', ratings.slice(0, 10), { header: false })),
    'ml-100k/u.data': strToU8(formatRatings('tsv', ratings, { header: false })),
    'ml-100k/u.item': latin1(formatCatalog('u.item', catalog)),
    'ml-100k/u.user': strToU8('1|24|M|technician|85711\n'),
  });
}

/** An ml-latest-small-style zip: movies.csv before ratings.csv (with a header), stored and deflated entries mixed. */
export function mlLatestSmallZip(ratings: RatingRecord[], catalog: Catalog): Uint8Array {
  return zipSync({
    'ml-latest-small/links.csv': [strToU8('movieId,imdbId,tmdbId\n1,114709,862\n'), { level: 0 }],
    'ml-latest-small/movies.csv': strToU8(formatCatalog('movies.csv', catalog)),
    'ml-latest-small/ratings.csv': strToU8(formatRatings('csv', ratings)),
    'ml-latest-small/tags.csv': strToU8('userId,movieId,tag,timestamp\n'),
  });
}

/** [user, item, rating] triples of records, for comparing with a data set. */
export const recordTriples = (records: RatingRecord[]) => records.map((r) => [r.user, r.item, r.rating]);
