import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../lib/data/dataset';
import { DataError } from '../../lib/data/errors';
import { parseCatalog, parseRatings } from '../../lib/data/parse';
import {
  generateSynthetic,
  MOVIELENS_GENRES,
  SyntheticRatings,
  writeSyntheticDat,
  type SyntheticSpec,
} from '../../lib/data/synthetic';

const uniform: SyntheticSpec = { users: 400, movies: 60, perUser: 12, seed: 3, mode: 'uniform' };
const planted: SyntheticSpec = { users: 1500, movies: 200, perUser: 25, seed: 11, mode: 'planted' };

function perUserItems(d: Dataset): Map<number, number[]> {
  const byUser = new Map<number, number[]>();
  for (let r = 0; r < d.size; r++) {
    const user = d.userIds.external(d.users[r]!);
    const list = byUser.get(user) ?? [];
    list.push(d.itemIds.external(d.items[r]!));
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
  expect(Array.from(b.userIds.toArray())).toEqual(Array.from(a.userIds.toArray()));
  expect(Array.from(b.itemIds.toArray())).toEqual(Array.from(a.itemIds.toArray()));
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
    for (let r = 0; r < dataset.size; r++) counts[dataset.itemIds.external(dataset.items[r]!)]!++;
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
    expect(bestRmse!).toBeLessThan(ratingStd(dataset) * 0.6);
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

describe('bad specs', () => {
  it('rejects impossible numbers with a DataError', () => {
    expect(() => generateSynthetic({ ...uniform, perUser: 61 })).toThrow(DataError);
    expect(() => generateSynthetic({ ...uniform, users: 0 })).toThrow(/users/);
    expect(() => generateSynthetic({ ...planted, noise: -1 })).toThrow(/noise/);
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
