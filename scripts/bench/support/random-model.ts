import { FORMAT_VERSION } from '../../../lib/artifacts/format';
import { publishModel, type PublishInput } from '../../../lib/artifacts/publish';
import { readLatest, readManifest } from '../../../lib/artifacts/versions';
import { DatasetBuilder, type Catalog } from '../../../lib/data/dataset';
import { createRng } from '../../../lib/data/random';
import type { ObjectStore } from '../../../lib/storage/object-store';

export interface RandomModelShape {
  users: number;
  movies: number;
  perUser: number;
  dim: number;
}

/** The source string a random model is published under, so a bench can tell it will reuse one. */
export const randomModelSource = (o: RandomModelShape): string =>
  `random-model:users=${o.users},movies=${o.movies},perUser=${o.perUser},dim=${o.dim},genres=${GENRES.length}`;

/** MovieLens's genres; each random movie gets one to three of them, so genre filters have something to filter. */
export const GENRES = [
  'Action', 'Adventure', 'Animation', 'Children', 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];

function randomGenres(rng: ReturnType<typeof createRng>): string[] {
  const picked = new Set<string>();
  const count = 1 + rng.nextInt(3);
  while (picked.size < count) picked.add(GENRES[rng.nextInt(GENRES.length)]!);
  return [...picked].sort();
}

/**
 * A model of a given shape for the serving and publishing benchmarks, without training:
 * random SVD factors over ratings with skewed movie popularity, generated titles and genres.
 */
export function randomModel(o: RandomModelShape, seed = 42): PublishInput {
  const rng = createRng(seed);
  const builder = new DatasetBuilder(o.users * o.perUser);
  for (let i = 0; i < o.movies; i++) builder.itemIds.intern(i + 1);
  for (let u = 0; u < o.users; u++) {
    for (let k = 0; k < o.perUser; k++) builder.add(u + 1, 1 + Math.floor(o.movies * rng.next() * rng.next()), 1 + rng.nextInt(5));
  }
  const catalog: Catalog = new Map();
  const genreRng = createRng(seed + 1);
  for (let i = 1; i <= o.movies; i++) catalog.set(i, { title: `Synthetic movie ${i} (2000)`, genres: randomGenres(genreRng) });
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

/** Publishes a random model of this shape unless the live one already is one (of this build's format); returns the live version. */
export async function ensureRandomModel(store: ObjectStore, o: RandomModelShape, say: (m: string) => void): Promise<string> {
  const live = await readLatest(store);
  if (live) {
    const m = await readManifest(store, live).catch(() => undefined);
    if (m && m.nUsers === o.users && m.nItems === o.movies && m.dim === o.dim && m.dataset.source === randomModelSource(o) && m.formatVersion === FORMAT_VERSION) {
      say(`reusing model ${live}`);
      return live;
    }
  }
  const t0 = performance.now();
  const input = randomModel(o);
  say(`built ${input.dataset.size} ratings in ${Math.round(performance.now() - t0)} ms; publishing...`);
  const t1 = performance.now();
  const manifest = await publishModel(store, input);
  say(`published ${manifest.version} in ${Math.round(performance.now() - t1)} ms`);
  return manifest.version;
}
