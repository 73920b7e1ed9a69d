/**
 * Train/test splits, reproducible from a seed. Every part shares the input's id maps
 * and catalog, so an index means the same user or movie in every part. The input is
 * never mutated, except by randomSplitInPlace.
 *
 * Memory (n ratings, 12 bytes each): randomSplit makes one shuffled copy (12n) and
 * returns zero-copy slices of it (randomSplitInPlace shuffles the input itself and
 * returns slices of that: no copy); kFold makes one shuffled copy laid out twice (24n)
 * so that every fold's train part is one contiguous slice; stratifiedSplit copies
 * the ratings once into the two parts (12n) plus one byte per rating of scratch.
 */
import { blankLike, sliceDataset, type Dataset } from './dataset';
import { createRng, shuffleRatings, type Rng } from './random';

/** A copy of d's ratings in a seeded random order, written `copies` times back to back. */
function shuffledCopy(d: Dataset, rng: Rng, copies = 1): { users: Int32Array; items: Int32Array; ratings: Float32Array } {
  const n = d.size;
  const users = new Int32Array(n * copies);
  const items = new Int32Array(n * copies);
  const ratings = new Float32Array(n * copies);
  users.set(d.users);
  items.set(d.items);
  ratings.set(d.ratings);
  shuffleRatings(users, items, ratings, 0, n, rng);
  for (let c = 1; c < copies; c++) {
    users.copyWithin(c * n, 0, n);
    items.copyWithin(c * n, 0, n);
    ratings.copyWithin(c * n, 0, n);
  }
  return { users, items, ratings };
}

const PART_NAMES = ['train', 'test', 'validation'];
const partName = (d: Dataset, k: number): string => `${d.name}:${PART_NAMES[k] ?? `part${k}`}`;

/**
 * Shuffles the ratings and cuts them into consecutive parts of the given shares
 * ([0.8, 0.1, 0.1] gives [train, test, validation], as in the proof of concept).
 * Part k holds round(n * (f0 + ... + fk)) - round(n * (f0 + ... + fk-1)) ratings;
 * shares must be >= 0 and add up to at most 1 (anything left over is dropped).
 */
export function randomSplit(d: Dataset, fractions: readonly number[], seed: number): Dataset[] {
  checkFractions(fractions);
  return cutParts({ ...d, ...shuffledCopy(d, createRng(seed)) }, d, fractions);
}

/**
 * randomSplit's parts (the same ratings in the same order for a seed) as views of d's
 * own arrays, shuffled in place: d keeps every rating but not its order. For a caller
 * that needs d afterwards only as a set of ratings (seen lists, counts), and not a
 * second copy of it.
 */
export function randomSplitInPlace(d: Dataset, fractions: readonly number[], seed: number): Dataset[] {
  checkFractions(fractions);
  shuffleRatings(d.users, d.items, d.ratings, 0, d.size, createRng(seed));
  return cutParts(d, d, fractions);
}

function checkFractions(fractions: readonly number[]): void {
  if (fractions.length === 0) throw new RangeError('randomSplit needs at least one fraction');
  let total = 0;
  for (const f of fractions) {
    if (!(f >= 0)) throw new RangeError(`split fractions must be >= 0, got ${f}`);
    total += f;
  }
  if (total > 1 + 1e-9) throw new RangeError(`split fractions add up to ${total}, more than 1`);
}

/** Consecutive slices of `shuffled` by the fractions, named after `d`. */
function cutParts(shuffled: Dataset, d: Dataset, fractions: readonly number[]): Dataset[] {
  const parts: Dataset[] = [];
  let cumulative = 0;
  let start = 0;
  for (let k = 0; k < fractions.length; k++) {
    cumulative += fractions[k]!;
    const end = Math.abs(cumulative - 1) <= 1e-9 ? d.size : Math.min(d.size, Math.round(d.size * cumulative));
    parts.push(sliceDataset(shuffled, start, end, partName(d, k)));
    start = end;
  }
  return parts;
}

/**
 * k folds: the shuffled ratings cut into k near-equal blocks; fold f tests on block f
 * and trains on the rest. Every rating is in exactly one test block. The shuffled
 * ratings are stored twice in a row, so "the rest" (blocks f+1 .. k-1, 0 .. f-1) is
 * one contiguous range and every part is a zero-copy slice.
 */
export function kFold(d: Dataset, k: number, seed: number): Array<{ train: Dataset; test: Dataset }> {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`kFold needs an integer k >= 2, got ${k}`);
  if (k > d.size) throw new RangeError(`kFold: k = ${k} is more than the ${d.size} ratings`);
  const n = d.size;
  const doubled = { ...d, ...shuffledCopy(d, createRng(seed), 2) };
  const bound = (f: number): number => Math.round((n * f) / k);
  const folds: Array<{ train: Dataset; test: Dataset }> = [];
  for (let f = 0; f < k; f++) {
    const start = bound(f);
    const end = bound(f + 1);
    folds.push({
      test: sliceDataset(doubled, start, end, `${d.name}:fold${f}:test`),
      train: sliceDataset(doubled, end, n + start, `${d.name}:fold${f}:train`),
    });
  }
  return folds;
}

/**
 * Holds out about testRatio of EACH user's ratings: a user with c ratings gives
 * floor(testRatio * c + u) of them to test (u uniform in [0, 1), so the expected
 * share is exact and per user it is off by less than one rating), but never all of
 * them: a user with 2 or more ratings keeps at least one in train, and a user with a
 * single rating keeps it in train. Which ratings is uniformly random (selection
 * sampling in one pass, no per-user lists). Both parts keep the input's order.
 */
export function stratifiedSplit(d: Dataset, testRatio: number, seed: number): { train: Dataset; test: Dataset } {
  if (!(testRatio >= 0 && testRatio <= 1)) throw new RangeError(`testRatio must be in [0, 1], got ${testRatio}`);
  const rng = createRng(seed);
  const n = d.size;
  const nUsers = d.userIds.size;
  const remaining = new Int32Array(nUsers);
  for (let r = 0; r < n; r++) remaining[d.users[r]!]!++;
  const wanted = new Int32Array(nUsers);
  for (let u = 0; u < nUsers; u++) {
    const c = remaining[u]!;
    if (c >= 2) wanted[u] = Math.min(c - 1, Math.floor(testRatio * c + rng.next()));
  }

  // Selection sampling: take each of a user's ratings with probability wanted / remaining.
  const isTest = new Uint8Array(n);
  let nTest = 0;
  for (let r = 0; r < n; r++) {
    const u = d.users[r]!;
    const left = remaining[u]!;
    if (wanted[u]! > 0 && rng.next() * left < wanted[u]!) {
      isTest[r] = 1;
      wanted[u]!--;
      nTest++;
    }
    remaining[u] = left - 1;
  }

  const train = blankLike(d, n - nTest, `${d.name}:train`);
  const test = blankLike(d, nTest, `${d.name}:test`);
  let a = 0;
  let b = 0;
  for (let r = 0; r < n; r++) {
    const into = isTest[r] ? test : train;
    const k = isTest[r] ? b++ : a++;
    into.users[k] = d.users[r]!;
    into.items[k] = d.items[r]!;
    into.ratings[k] = d.ratings[r]!;
  }
  return { train, test };
}
