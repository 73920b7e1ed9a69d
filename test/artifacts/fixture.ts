import { DatasetBuilder, nItems, nUsers, type Catalog, type Dataset } from '../../lib/data/dataset';
import type { PublishInput } from '../../lib/artifacts/write';
import type { Progress } from '../../lib/models/contract';

/** Deterministic pseudo-random numbers (mulberry32) so fixtures are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A small data set with sparse external ids (users 1000 + 7u, movies 10 + 3i), a few
 * repeated ratings (to check seen items are listed once), and a catalog for some movies.
 */
export function smallDataset(users = 40, items = 25, perUser = 8, seed = 1): Dataset {
  const random = rng(seed);
  const b = new DatasetBuilder(16);
  for (let u = 0; u < users; u++) {
    for (let k = 0; k < perUser; k++) {
      const i = Math.floor(random() ** 2 * items); // skewed: low items are popular
      b.add(1000 + 7 * u, 10 + 3 * i, 1 + Math.floor(random() * 5));
    }
  }
  const catalog: Catalog = new Map();
  for (let i = 0; i < items; i += 2) catalog.set(10 + 3 * i, { title: `Movie ${i}`, genres: i % 4 === 0 ? ['Drama'] : [] });
  return b.build('small-fixture', { min: 1, max: 5 }, catalog);
}

export function smallModel(dataset: Dataset = smallDataset(), dim = 4, seed = 2): PublishInput {
  const random = rng(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
  const nu = nUsers(dataset);
  const ni = nItems(dataset);
  const curve: Progress[] = [1, 2, 3].map((epoch) => ({
    epoch,
    step: epoch * 10,
    batchError: 1.2 - epoch * 0.1,
    testError: 1.25 - epoch * 0.05,
    elapsedMs: epoch * 100,
    best: true,
  }));
  return {
    factors: {
      kind: 'svd',
      scoring: 'rating',
      dim,
      nUsers: nu,
      nItems: ni,
      mu: 3.5,
      scale: { min: 1, max: 5 },
      userBias: fill(nu),
      itemBias: fill(ni),
      P: fill(nu * dim),
      Q: fill(ni * dim),
    },
    dataset,
    params: { dim, lr: 0.01 },
    metrics: { rmse: 0.91, mae: 0.72 },
    timings: { loadMs: 5, fitMs: 50 },
    curve,
    epochs: 3,
    source: { name: 'small-fixture', source: 'synthetic:test', sha256: 'a'.repeat(64) },
  };
}
