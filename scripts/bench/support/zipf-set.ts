/**
 * The ML-20M-shaped benchmark set, generated (the file is never committed): 138,000
 * users, 27,000 items, 20M distinct (user, item) pairs, item popularity Zipf-like with
 * p(rank) ∝ 1 / (rank + 10), ratings uniform 1..5. Users rate between 20 and about
 * 1,000 items (log-uniform, rescaled to the total), so, as in MovieLens, a few
 * users and items hold much of the data.
 */
import { DatasetBuilder, type Dataset } from '../../../lib/data/dataset';
import { createRng } from '../../../lib/data/random';

export interface ZipfSpec {
  users: number;
  items: number;
  pairs: number;
  seed: number;
}

export const ML20M_SHAPE: ZipfSpec = { users: 138_000, items: 27_000, pairs: 20_000_000, seed: 1 };

export function zipfDataset(spec: ZipfSpec = ML20M_SHAPE): Dataset {
  const { users, items, pairs, seed } = spec;
  const rng = createRng(seed);
  const cumulative = new Float64Array(items);
  let total = 0;
  for (let r = 0; r < items; r++) cumulative[r] = total += 1 / (r + 10);
  const raw = Float64Array.from({ length: users }, () => Math.exp(Math.log(20) + rng.next() * Math.log(50)));
  const rawSum = raw.reduce((a, b) => a + b, 0);
  const counts = Int32Array.from(raw, (x) => Math.min(items, Math.max(1, Math.round((x * pairs) / rawSum))));
  const b = new DatasetBuilder(counts.reduce((a, c) => a + c, 0));
  for (let i = 0; i < items; i++) b.itemIds.intern(i + 1);
  const seen = new Int32Array(items).fill(-1);
  for (let u = 0; u < users; u++) {
    for (let n = 0; n < counts[u]!; ) {
      const i = pick(cumulative, rng.next() * total);
      if (seen[i] === u) continue;
      seen[i] = u;
      b.add(u + 1, i + 1, 1 + rng.nextInt(5));
      n++;
    }
  }
  return b.build(`zipf:users=${users},items=${items},pairs=${pairs},seed=${seed}`, { min: 1, max: 5 });
}

/** The first rank whose cumulative weight reaches x. */
function pick(cumulative: Float64Array, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
