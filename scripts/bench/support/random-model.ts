import type { PublishInput } from '../../../lib/artifacts/publish';
import { DatasetBuilder, type Catalog } from '../../../lib/data/dataset';
import { createRng } from '../../../lib/data/random';

export interface RandomModelShape {
  users: number;
  movies: number;
  perUser: number;
  dim: number;
}

/** The source string a random model is published under, so a bench can tell it will reuse one. */
export const randomModelSource = (o: RandomModelShape): string =>
  `random-model:users=${o.users},movies=${o.movies},perUser=${o.perUser},dim=${o.dim}`;

/**
 * A model of a given shape for the serving and publishing benchmarks, without training:
 * random SVD factors over ratings with skewed movie popularity and generated titles.
 */
export function randomModel(o: RandomModelShape, seed = 42): PublishInput {
  const rng = createRng(seed);
  const builder = new DatasetBuilder(o.users * o.perUser);
  for (let i = 0; i < o.movies; i++) builder.itemIds.intern(i + 1);
  for (let u = 0; u < o.users; u++) {
    for (let k = 0; k < o.perUser; k++) builder.add(u + 1, 1 + Math.floor(o.movies * rng.next() * rng.next()), 1 + rng.nextInt(5));
  }
  const catalog: Catalog = new Map();
  for (let i = 1; i <= o.movies; i++) catalog.set(i, { title: `Synthetic movie ${i} (2000)`, genres: ['Drama'] });
  const dataset = builder.build('random-model', { min: 1, max: 5 }, catalog);
  const fill = (n: number, sd: number) => {
    const a = new Float32Array(n);
    for (let k = 0; k < n; k++) a[k] = sd * (rng.next() * 2 - 1);
    return a;
  };
  return {
    factors: {
      kind: 'svd',
      scoring: 'rating',
      dim: o.dim,
      nUsers: o.users,
      nItems: o.movies,
      mu: 3.5,
      scale: dataset.scale,
      P: fill(o.users * o.dim, 0.3),
      Q: fill(o.movies * o.dim, 0.3),
      userBias: fill(o.users, 0.2),
      itemBias: fill(o.movies, 0.2),
      foldIn: { reg: 0.05, regBias: 0.05 },
    },
    dataset,
    params: { dim: o.dim },
    metrics: {},
    timings: {},
    curve: [],
    epochs: 0,
    source: { name: 'random-model', source: randomModelSource(o), sha256: '0'.repeat(64) },
  };
}
