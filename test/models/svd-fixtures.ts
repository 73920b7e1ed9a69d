import { DatasetBuilder, sliceDataset, type Dataset } from '../../lib/data/dataset';
import { createRng, fillGaussian } from '../../lib/data/random';

/**
 * A planted low-rank problem: rating = 3 + u·v (rank `rank`) + small noise, each user
 * rating `perUser` distinct random items. Returns train and test as views of one set.
 */
export function plantedRatings(o: { users: number; items: number; perUser: number; rank?: number; noise?: number; seed?: number }) {
  const rank = o.rank ?? 3;
  const rng = createRng(o.seed ?? 7);
  const U = fillGaussian(new Float32Array(o.users * rank), 0.7, rng);
  const V = fillGaussian(new Float32Array(o.items * rank), 0.7, rng);
  const b = new DatasetBuilder(o.users * o.perUser);
  const chosen = new Uint8Array(o.items);
  const rows: Array<[number, number, number]> = [];
  for (let u = 0; u < o.users; u++) {
    chosen.fill(0);
    for (let n = 0; n < o.perUser; n++) {
      let i = rng.nextInt(o.items);
      while (chosen[i]) i = (i + 1) % o.items;
      chosen[i] = 1;
      let dot = 0;
      for (let k = 0; k < rank; k++) dot += U[u * rank + k]! * V[i * rank + k]!;
      rows.push([u + 1, i + 1, 3 + dot + (o.noise ?? 0.05) * rng.nextGaussian()]);
    }
  }
  // Interleave users so a tail slice is a fair test set.
  for (let k = rows.length - 1; k > 0; k--) {
    const j = rng.nextInt(k + 1);
    [rows[k], rows[j]] = [rows[j]!, rows[k]!];
  }
  for (const [u, i, r] of rows) b.add(u, i, r);
  const all = b.build('planted', { min: -10, max: 20 });
  const cut = Math.floor(all.size * 0.9);
  return { all, train: sliceDataset(all, 0, cut, 'train'), test: sliceDataset(all, cut, all.size, 'test') };
}

/** A data set from explicit (user, item, rating) triples with the given scale. */
export function tinyDataset(rows: Array<[number, number, number]>, scale = { min: 1, max: 5 }): Dataset {
  const b = new DatasetBuilder(16);
  for (const [u, i, r] of rows) b.add(u, i, r);
  return b.build('tiny', scale);
}
