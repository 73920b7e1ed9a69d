import type { Catalog } from '../dataset';
import { createRng } from '../random';

/** The genre names MovieLens uses in movies.dat. */
export const MOVIELENS_GENRES = [
  'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

/**
 * A made-up catalogue for movies 1..movies: `Movie 17 (1994)` with one to three
 * distinct genres. It has its own random stream, so titles on or off never change
 * the ratings.
 */
export function generateCatalog(movies: number, seed: number): Catalog {
  const rng = createRng(seed ^ 0x7a11e5);
  const catalog: Catalog = new Map();
  const genres = MOVIELENS_GENRES.length;
  for (let id = 1; id <= movies; id++) {
    const year = 1920 + rng.nextInt(101);
    const count = 1 + rng.nextInt(3);
    const picked: number[] = [];
    while (picked.length < count) {
      const g = rng.nextInt(genres);
      if (!picked.includes(g)) picked.push(g);
    }
    picked.sort((a, b) => a - b);
    catalog.set(id, { title: `Movie ${id} (${year})`, genres: picked.map((g) => MOVIELENS_GENRES[g]!) });
  }
  return catalog;
}
