import type { ExternalId } from '../../lib/data/external-id';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../lib/data/dataset';
import { DataError } from '../../lib/data/errors';
import { parseCatalog, parseRatings } from '../../lib/data/parse';
import {
  describeSyntheticSpec,
  generateSynthetic,
  PLANTED_DEFAULTS,
  MOVIELENS_GENRES,
  SyntheticRatings,
  writeSyntheticDat,
  type SyntheticSpec,
} from '../../lib/data/synthetic';
import { FACTOR_STD, TASTE_THRESHOLD } from '../../lib/data/synthetic/planted';

const uniform: SyntheticSpec = { users: 400, movies: 60, perUser: 12, seed: 3, mode: 'uniform' };
// Catalogue well above what a user likes and rates: with 200 movies, a user's liked
// sixth (33 movies) is barely more than the 25 they rate, which flattens popularity.
const planted: SyntheticSpec = { users: 1500, movies: 400, perUser: 25, seed: 11, mode: 'planted' };

/** Generated ids are integers. */
const int = (id: ExternalId): number => id as number;

function perUserItems(d: Dataset): Map<number, number[]> {
  const byUser = new Map<number, number[]>();
  for (let r = 0; r < d.size; r++) {
    const user = int(d.userIds.external(d.users[r]!));
    const list = byUser.get(user) ?? [];
    list.push(int(d.itemIds.external(d.items[r]!)));
    byUser.set(user, list);
  }
  return byUser;
}

function ratingStd(d: Dataset): number {
  let mean = 0;
  for (let r = 0; r < d.size; r++) mean += d.ratings[r]!;
  mean /= d.size;
  let v = 0;
  for (let r = 0; r < d.size; r++) v += (d.ratings[r]! - mean) ** 2;
  return Math.sqrt(v / d.size);
}

function expectSameDataset(a: Dataset, b: Dataset): void {
  expect(b.size).toBe(a.size);
  expect(Array.from(b.users)).toEqual(Array.from(a.users));
  expect(Array.from(b.items)).toEqual(Array.from(a.items));
  expect(Array.from(b.ratings)).toEqual(Array.from(a.ratings));
  expect([...b.userIds.toArray()]).toEqual([...a.userIds.toArray()]);
  expect([...b.itemIds.toArray()]).toEqual([...a.itemIds.toArray()]);
}

describe('uniform synthetic data (the PoC)', () => {
  const { dataset, bestRmse, catalog } = generateSynthetic(uniform);

  it('has users x perUser ratings, every user exactly perUser distinct movies', () => {
    expect(dataset.size).toBe(uniform.users * uniform.perUser);
    expect(dataset.userIds.size).toBe(uniform.users);
    const byUser = perUserItems(dataset);
    expect(byUser.size).toBe(uniform.users);
    for (const [user, items] of byUser) {
      expect(user).toBeGreaterThanOrEqual(1);
      expect(user).toBeLessThanOrEqual(uniform.users);
      expect(items).toHaveLength(uniform.perUser);
      expect(new Set(items).size).toBe(uniform.perUser);
      for (const m of items) expect(m >= 1 && m <= uniform.movies).toBe(true);
    }
  });

  it('rates 1..5 in whole stars, all five used, and has no best RMSE or titles', () => {
    const seen = new Set<number>();
    for (let r = 0; r < dataset.size; r++) seen.add(dataset.ratings[r]!);
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(bestRmse).toBeUndefined();
    expect(catalog).toBeUndefined();
  });

  it('covers the movies roughly evenly', () => {
    const counts = new Array<number>(uniform.movies + 1).fill(0);
    for (let r = 0; r < dataset.size; r++) counts[int(dataset.itemIds.external(dataset.items[r]!))]!++;
    const expected = dataset.size / uniform.movies;
    for (let m = 1; m <= uniform.movies; m++) expect(Math.abs(counts[m]! - expected)).toBeLessThan(expected * 0.5);
  });

  it('is determined by the seed', () => {
    expectSameDataset(dataset, generateSynthetic(uniform).dataset);
    const other = generateSynthetic({ ...uniform, seed: 4 }).dataset;
    expect(Array.from(other.items)).not.toEqual(Array.from(dataset.items));
  });

  it('can give a user every movie', () => {
    const all = generateSynthetic({ users: 3, movies: 7, perUser: 7, seed: 1, mode: 'uniform' }).dataset;
    for (const items of perUserItems(all).values()) expect([...items].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('planted synthetic data', () => {
  const { dataset, bestRmse, catalog } = generateSynthetic(planted);

  it('has distinct movies per user, long-tailed activity around perUser', () => {
    const byUser = perUserItems(dataset);
    expect(byUser.size).toBe(planted.users);
    const counts = [...byUser.values()].map((items) => items.length);
    for (const items of byUser.values()) expect(new Set(items).size).toBe(items.length);
    const mean = dataset.size / planted.users;
    expect(mean).toBeGreaterThan(planted.perUser * 0.8);
    expect(mean).toBeLessThan(planted.perUser * 1.2);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(Math.round(planted.perUser / 5));
    expect(Math.max(...counts)).toBeGreaterThan(planted.perUser * 2.5);
  });

  it('has long-tailed movie popularity', () => {
    const counts = new Array<number>(planted.movies).fill(0);
    for (let r = 0; r < dataset.size; r++) counts[dataset.items[r]!]!++;
    counts.sort((a, b) => b - a);
    const top10 = counts.slice(0, planted.movies / 10).reduce((a, b) => a + b, 0);
    expect(top10 / dataset.size).toBeGreaterThan(0.25);
  });

  it('reports a best RMSE well under the ratings spread', () => {
    expect(bestRmse).toBeDefined();
    expect(bestRmse!).toBeGreaterThan(0.2);
    // Users mostly rate what they like (planted choice), which narrows the spread a little.
    expect(bestRmse!).toBeLessThan(ratingStd(dataset) * 0.7);
    expect(bestRmse!).toBeLessThan(ratingStd(generateSynthetic({ ...planted, taste: 0 }).dataset) * 0.6);
  });

  it('has more noise, a larger best RMSE', () => {
    const noisy = generateSynthetic({ ...planted, noise: 1 }).bestRmse!;
    expect(noisy).toBeGreaterThan(bestRmse! * 1.5);
  });

  it('rates 1..5 in whole stars and names every movie with ML genres', () => {
    const offScale = Array.from(dataset.ratings).filter((x) => !Number.isInteger(x) || x < 1 || x > 5);
    expect(offScale).toEqual([]);
    expect(catalog?.size).toBe(planted.movies);
    expect(dataset.catalog).toBe(catalog);
    const movie = catalog!.get(17)!;
    expect(movie.title).toMatch(/^Movie 17 \(\d{4}\)$/);
    expect(movie.genres.length).toBeGreaterThanOrEqual(1);
    for (const g of movie.genres) expect(MOVIELENS_GENRES).toContain(g);
  });

  it('is determined by the seed, and titles do not change the ratings', () => {
    expectSameDataset(dataset, generateSynthetic({ ...planted, titles: false }).dataset);
    expect(generateSynthetic({ ...planted, titles: false }).catalog).toBeUndefined();
    expect(Array.from(generateSynthetic({ ...planted, seed: 12 }).dataset.ratings)).not.toEqual(Array.from(dataset.ratings));
  });

  it('keeps movies distinct for users rating most of the catalogue', () => {
    const dense = generateSynthetic({ users: 200, movies: 20, perUser: 10, seed: 5, mode: 'planted' }).dataset;
    const byUser = perUserItems(dense);
    expect(Math.max(...[...byUser.values()].map((i) => i.length))).toBeGreaterThan(5);
    for (const items of byUser.values()) expect(new Set(items).size).toBe(items.length);
  });
});

/**
 * How much more the users like what they chose than popularity alone would give them:
 * per user, the mean hidden affinity z_ui = p_u.q_i / (s |p_u|) (in stds over the
 * movies) of the chosen movies minus its popularity-weighted mean over all movies.
 * Returns the mean over users and its standard error.
 */
function excessAffinity(spec: SyntheticSpec): { mean: number; se: number; users: number } {
  const { dataset: d, hidden } = generateSynthetic(spec, { keepHidden: true });
  const { P, Q, weights, dim } = hidden!;
  const s = Math.pow((FACTOR_STD * FACTOR_STD) / dim, 0.25);
  const movies = weights.length;
  let totalWeight = 0;
  for (let m = 0; m < movies; m++) totalWeight += weights[m]!;
  const z = (u: number, m: number): number => {
    let dot = 0;
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      dot += P[u * dim + k]! * Q[m * dim + k]!;
      norm += P[u * dim + k]! ** 2;
    }
    return dot / (s * Math.sqrt(norm));
  };
  const excess: number[] = [];
  for (const [user, items] of perUserItems(d)) {
    const u = user - 1;
    let popular = 0;
    for (let m = 0; m < movies; m++) popular += (weights[m]! / totalWeight) * z(u, m);
    let chosen = 0;
    for (const movie of items) chosen += z(u, movie - 1);
    excess.push(chosen / items.length - popular);
  }
  const mean = excess.reduce((a, b) => a + b, 0) / excess.length;
  const sd = Math.sqrt(excess.reduce((a, b) => a + (b - mean) ** 2, 0) / (excess.length - 1));
  return { mean, se: sd / Math.sqrt(excess.length), users: excess.length };
}

describe('planted choice: taste as well as popularity', () => {
  // By rejection (light users) and by weighted sampling of the whole catalogue (dense).
  const specs: Array<[string, SyntheticSpec]> = [
    ['light users', planted],
    ['users rating over a quarter of the catalogue', { users: 400, movies: 40, perUser: 15, seed: 5, mode: 'planted' }],
  ];
  for (const [name, spec] of specs) {
    it(`${name}: chosen movies are clearly more to the user's taste than popularity alone gives`, () => {
      expect(PLANTED_DEFAULTS.taste).toBeGreaterThan(0);
      const tasteful = excessAffinity(spec);
      // Most picks lie above the threshold: at least half of it on average, and far beyond chance.
      expect(tasteful.mean).toBeGreaterThan(TASTE_THRESHOLD / 2);
      expect(tasteful.mean).toBeGreaterThan(10 * tasteful.se);
      // taste 0 is popularity alone: no excess beyond noise.
      const blind = excessAffinity({ ...spec, taste: 0 });
      expect(Math.abs(blind.mean)).toBeLessThan(4 * blind.se);
    });
  }

  it('grows with taste', () => {
    const small = { ...planted, users: 500 };
    expect(excessAffinity({ ...small, taste: 1 }).mean).toBeLessThan(excessAffinity({ ...small, taste: 4 }).mean);
  });

  it('is part of the data set identity, and taste 0 keeps popularity-only data', () => {
    expect(describeSyntheticSpec(planted)).toContain(`taste=${PLANTED_DEFAULTS.taste}`);
    expect(describeSyntheticSpec({ ...planted, taste: 0 })).toContain('taste=0');
    const blind = generateSynthetic({ ...planted, taste: 0 }).dataset;
    const tasteful = generateSynthetic(planted).dataset;
    // Same users, same activity (drawn before any choice), different movies.
    expect(blind.size).toBe(tasteful.size);
    expect(Array.from(blind.items)).not.toEqual(Array.from(tasteful.items));
  });

  it('keeps the hidden model only when asked', () => {
    expect(generateSynthetic(planted).hidden).toBeUndefined();
    expect(generateSynthetic(uniform, { keepHidden: true }).hidden).toBeUndefined();
    const { hidden } = generateSynthetic({ ...planted, users: 50 }, { keepHidden: true });
    expect(hidden!.P).toHaveLength(50 * PLANTED_DEFAULTS.dim);
    expect(hidden!.Q).toHaveLength(planted.movies * PLANTED_DEFAULTS.dim);
  });
});

describe('bad specs', () => {
  it('rejects impossible numbers with a DataError', () => {
    expect(() => generateSynthetic({ ...uniform, perUser: 61 })).toThrow(DataError);
    expect(() => generateSynthetic({ ...uniform, users: 0 })).toThrow(/users/);
    expect(() => generateSynthetic({ ...planted, noise: -1 })).toThrow(/noise/);
    expect(() => generateSynthetic({ ...planted, taste: -1 })).toThrow(/taste/);
    expect(() => generateSynthetic({ ...planted, taste: Infinity })).toThrow(DataError);
    expect(() => new SyntheticRatings({ ...uniform, movies: 2.5 })).toThrow(/movies/);
  });
});

describe('the .dat writer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synthetic-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const spec of [uniform, { ...planted, users: 300 }]) {
    it(`writes ${spec.mode} ratings that parse back to the in-memory data set`, async () => {
      const out = join(dir, spec.mode, 'ratings.dat');
      await mkdir(join(dir, spec.mode), { recursive: true });
      const written = await writeSyntheticDat(spec, out);
      const memory = generateSynthetic(spec);
      expect(written.ratings).toBe(memory.dataset.size);
      expect((await stat(out)).size).toBe(written.bytes);
      expect(written.bestRmse).toBe(memory.bestRmse);

      const text = await readFile(out, 'utf8');
      expect(text.split('\n')[0]).toMatch(/^1::\d+::[1-5]::\d{9,10}$/);
      const parsed = await parseRatings(createReadStream(out, { highWaterMark: 4096 }), { format: 'dat' });
      expect(parsed.bad.count).toBe(0);
      expectSameDataset(memory.dataset, parsed.dataset);

      if (spec.mode === 'planted') {
        expect(written.moviesPath).toBe(join(dir, spec.mode, 'movies.dat'));
        const catalog = await parseCatalog(createReadStream(written.moviesPath!), 'movies.dat');
        expect([...catalog.entries()]).toEqual([...memory.catalog!.entries()]);
      } else {
        expect(written.moviesPath).toBeUndefined();
      }
    });
  }

  it('leaves no file behind when it cannot write', async () => {
    await expect(writeSyntheticDat(uniform, join(dir, 'missing-folder', 'ratings.dat'))).rejects.toThrow();
    await expect(stat(join(dir, 'missing-folder'))).rejects.toThrow();
  });
});
