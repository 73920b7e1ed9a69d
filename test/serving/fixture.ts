import { publishModel } from '../../lib/artifacts/publish';
import type { Manifest } from '../../lib/artifacts/format';
import { DatasetBuilder, type Catalog, type Dataset } from '../../lib/data/dataset';
import type { ExternalId } from '../../lib/data/external-id';
import { createRng } from '../../lib/data/random';
import type { Factors } from '../../lib/math/factors';
import type { ModelKind } from '../../lib/models/registry';
import type { ObjectStore } from '../../lib/storage/object-store';

/**
 * A small synthetic model for serving tests: random factors over a random data set,
 * published with the real publishModel so tests read the real artifact format.
 * External ids differ from indices on purpose (users 100 + 7u, movies 1000 + 3i).
 */
export interface FixtureOptions {
  nUsers?: number;
  nItems?: number;
  dim?: number;
  perUser?: number;
  seed?: number;
  kind?: Extract<ModelKind, 'svd' | 'nsvd' | 'ials' | 'baseline' | 'popularity'>;
  foldIn?: Record<string, number | string>;
}

export interface Fixture {
  dataset: Dataset;
  factors: Factors;
  userId: (u: number) => number;
  movieId: (i: number) => number;
}

/** What each kind's fit records for fold-in (the constants its serving part reads). */
const FOLD_IN: Record<NonNullable<FixtureOptions['kind']>, Record<string, number | string>> = {
  svd: { reg: 0.05, regBias: 0.05 },
  nsvd: { size: 'max', cap: 0, reg: 0.05, regBias: 0.05 },
  ials: { reg: 0.1, regExponent: 0, alpha: 2, confidence: 'linear', epsilon: 1 },
  baseline: { regUser: 0.05 },
  popularity: {},
};

export const userIdOf = (u: number): number => 100 + 7 * u;
export const movieIdOf = (i: number): number => 1000 + 3 * i;

export function buildFixture(options: FixtureOptions = {}): Fixture {
  const nUsers = options.nUsers ?? 40;
  const nItems = options.nItems ?? 60;
  const kind = options.kind ?? 'svd';
  const dim = kind === 'baseline' || kind === 'popularity' ? 0 : (options.dim ?? 8);
  const perUser = options.perUser ?? 12;
  const rng = createRng(options.seed ?? 1);

  // Intern every movie first so item index i is movie movieIdOf(i).
  const builder = new DatasetBuilder(nUsers * perUser);
  for (let i = 0; i < nItems; i++) builder.itemIds.intern(movieIdOf(i));
  for (let u = 0; u < nUsers; u++) {
    const count = 1 + rng.nextInt(perUser);
    for (let k = 0; k < count; k++) {
      // Popularity skew: low item indices are rated more often.
      const i = Math.min(nItems - 1, Math.floor(nItems * rng.next() * rng.next()));
      builder.add(userIdOf(u), movieIdOf(i), 1 + rng.nextInt(5));
    }
  }
  const catalog: Catalog = new Map();
  for (let i = 0; i < nItems; i++) {
    const year = 1990 + (i % 20);
    catalog.set(movieIdOf(i), { title: `Movie ${i} (${year})`, genres: i % 2 ? ['Drama'] : ['Comedy', 'Action'], year });
  }
  const dataset = builder.build('fixture', { min: 1, max: 5 }, catalog);

  const gaussian = (n: number, sd: number) => Float32Array.from({ length: n }, () => sd * rng.nextGaussian());
  const factors: Factors = {
    kind,
    scoring: kind === 'ials' ? 'ranking' : 'rating',
    dim,
    nUsers: dataset.userIds.size,
    nItems,
    mu: kind === 'ials' ? 0 : 3.5,
    scale: { min: 1, max: 5 },
    Q: gaussian(nItems * dim, 0.5),
    ...(dim > 0 ? { P: gaussian(dataset.userIds.size * dim, 0.5) } : {}),
    ...(kind !== 'ials' ? { itemBias: gaussian(nItems, 0.3) } : {}),
    ...(kind === 'svd' || kind === 'nsvd' || kind === 'baseline' ? { userBias: gaussian(dataset.userIds.size, 0.3) } : {}),
    ...(kind === 'nsvd' ? { Y: gaussian(nItems * dim, 0.5) } : {}),
    foldIn: options.foldIn ?? FOLD_IN[kind],
  };
  return { dataset, factors, userId: userIdOf, movieId: movieIdOf };
}

export async function publishFixture(store: ObjectStore, fixture: Fixture, version: string): Promise<Manifest> {
  return publishModel(
    store,
    {
      factors: fixture.factors,
      dataset: fixture.dataset,
      params: { dim: fixture.factors.dim },
      metrics: { rmse: 0.9 },
      timings: { fitMs: 1 },
      curve: [],
      epochs: 1,
      source: { name: 'fixture', source: 'synthetic', sha256: '0'.repeat(64) },
    },
    { version, keep: 10 },
  );
}

/** The items user u rated, as external movie ids. */
export function ratedBy(fixture: Fixture, u: number): Set<ExternalId> {
  const out = new Set<ExternalId>();
  const d = fixture.dataset;
  for (let r = 0; r < d.size; r++) if (d.users[r] === u) out.add(fixture.movieId(d.items[r]!));
  return out;
}

/** The model's score for user u and item i, unclipped: mu + b_u + b_i + p_u . q_i. */
export function scoreOf(fixture: Fixture, u: number, i: number): number {
  const f = fixture.factors;
  let s = f.mu + (f.userBias?.[u] ?? 0) + (f.itemBias?.[i] ?? 0);
  for (let k = 0; k < f.dim; k++) s += f.P![u * f.dim + k]! * f.Q[i * f.dim + k]!;
  return s;
}

/** Brute force: every unseen item's score for user u, best first (the reference for top-N). */
export function bruteForceTop(fixture: Fixture, u: number, n: number): { id: number; score: number }[] {
  const f = fixture.factors;
  const seen = ratedBy(fixture, u);
  const all: { id: number; score: number }[] = [];
  for (let i = 0; i < f.nItems; i++) {
    if (seen.has(fixture.movieId(i))) continue;
    all.push({ id: fixture.movieId(i), score: scoreOf(fixture, u, i) });
  }
  all.sort((a, b) => b.score - a.score);
  return all.slice(0, n);
}
