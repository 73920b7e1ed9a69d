import { describe, expect, it } from 'vitest';
import { DatasetBuilder, type Dataset } from '../../lib/data/dataset';
import { createRng } from '../../lib/data/random';
import { kFold, randomSplit, randomSplitInPlace, stratifiedSplit } from '../../lib/data/splits';

/** n ratings by `users` users with uneven activity; rating value encodes the position so parts can be traced. */
function synthetic(n: number, users: number, seed = 1): Dataset {
  const rng = createRng(seed);
  const b = new DatasetBuilder(n);
  for (let r = 0; r < n; r++) {
    const u = Math.floor(users * rng.next() ** 2); // skewed: low user ids rate more
    b.add(1000 + u, 5000 + rng.nextInt(300), r);
  }
  return b.build('synthetic', { min: 0, max: n });
}

/** Positions (the rating values) of a part, sorted. */
const positions = (d: Dataset): number[] => Array.from(d.ratings).sort((a, b) => a - b);

/** (user, item, rating) rows of a part as strings, to compare against the original. */
function rowsAgree(part: Dataset, original: Dataset): boolean {
  for (let k = 0; k < part.size; k++) {
    const r = part.ratings[k]!;
    if (original.users[r] !== part.users[k] || original.items[r] !== part.items[k]) return false;
  }
  return true;
}

describe('randomSplit', () => {
  const d = synthetic(10_001, 50);

  it('cuts 80/10/10 into train, test, validation that partition the ratings', () => {
    const usersBefore = d.users.slice();
    const [train, test, validation] = randomSplit(d, [0.8, 0.1, 0.1], 42);
    expect([train!.size, test!.size, validation!.size]).toEqual([8001, 1000, 1000]);
    expect(train!.name).toBe('synthetic:train');
    expect(validation!.name).toBe('synthetic:validation');
    const all = [...positions(train!), ...positions(test!), ...positions(validation!)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: d.size }, (_, i) => i));
    for (const part of [train!, test!, validation!]) {
      expect(rowsAgree(part, d)).toBe(true);
      expect(part.userIds).toBe(d.userIds);
      expect(part.itemIds).toBe(d.itemIds);
    }
    expect(d.users).toEqual(usersBefore); // input untouched
  });

  it('in place: the same parts as randomSplit, as views of the input, which keeps every rating', () => {
    const copy = synthetic(10_001, 50);
    const expected = randomSplit(copy, [0.8, 0.1, 0.1], 42);
    const shuffled = synthetic(10_001, 50);
    const parts = randomSplitInPlace(shuffled, [0.8, 0.1, 0.1], 42);
    for (let k = 0; k < 3; k++) {
      expect(parts[k]!.name).toBe(expected[k]!.name);
      for (const column of ['users', 'items', 'ratings'] as const) expect(parts[k]![column]).toEqual(expected[k]![column]);
      expect(parts[k]!.ratings.buffer).toBe(shuffled.ratings.buffer);
    }
    expect(positions(shuffled)).toEqual(Array.from({ length: shuffled.size }, (_, i) => i));
    expect(rowsAgree(shuffled, copy)).toBe(true);
    // A bad fraction is refused before anything moves.
    const before = shuffled.ratings.slice();
    expect(() => randomSplitInPlace(shuffled, [0.8, 0.3], 1)).toThrow(RangeError);
    expect(shuffled.ratings).toEqual(before);
  });

  it('is reproducible by seed and differs between seeds', () => {
    const a = randomSplit(d, [0.5, 0.5], 7);
    const b = randomSplit(d, [0.5, 0.5], 7);
    const c = randomSplit(d, [0.5, 0.5], 8);
    expect(Array.from(a[0]!.ratings)).toEqual(Array.from(b[0]!.ratings));
    expect(Array.from(a[0]!.ratings)).not.toEqual(Array.from(c[0]!.ratings));
  });

  it('actually shuffles (train is not the first 80%)', () => {
    const [train] = randomSplit(d, [0.8, 0.2], 3);
    const late = positions(train!).filter((p) => p >= 8001).length;
    expect(late).toBeGreaterThan(1000);
  });

  it('drops what the fractions leave over and rejects bad fractions', () => {
    const [half] = randomSplit(d, [0.5], 1);
    expect(half!.size).toBe(5001);
    expect(() => randomSplit(d, [0.8, 0.3], 1)).toThrow(RangeError);
    expect(() => randomSplit(d, [-0.1, 0.5], 1)).toThrow(RangeError);
    expect(() => randomSplit(d, [], 1)).toThrow(RangeError);
  });
});

describe('kFold', () => {
  const d = synthetic(1003, 20);

  it('tests every rating exactly once; each train is the complement of its test', () => {
    const folds = kFold(d, 5, 11);
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((f) => positions(f.test)).sort((a, b) => a - b);
    expect(tested).toEqual(Array.from({ length: d.size }, (_, i) => i));
    for (const { train, test } of folds) {
      expect(Math.abs(test.size - d.size / 5)).toBeLessThanOrEqual(1);
      expect(train.size + test.size).toBe(d.size);
      const inTest = new Set(positions(test));
      expect(positions(train).every((p) => !inTest.has(p))).toBe(true);
      expect(rowsAgree(train, d) && rowsAgree(test, d)).toBe(true);
      expect(train.userIds).toBe(d.userIds);
    }
  });

  it('is reproducible by seed and rejects bad k', () => {
    expect(Array.from(kFold(d, 3, 5)[1]!.test.ratings)).toEqual(Array.from(kFold(d, 3, 5)[1]!.test.ratings));
    expect(Array.from(kFold(d, 3, 5)[1]!.test.ratings)).not.toEqual(Array.from(kFold(d, 3, 6)[1]!.test.ratings));
    expect(() => kFold(d, 1, 0)).toThrow(RangeError);
    expect(() => kFold(d, 2000, 0)).toThrow(RangeError);
  });
});

describe('stratifiedSplit', () => {
  const d = synthetic(20_000, 400);

  const countByUser = (part: Dataset): Int32Array => {
    const counts = new Int32Array(d.userIds.size);
    for (let k = 0; k < part.size; k++) counts[part.users[k]!]!++;
    return counts;
  };

  it('holds out about that share of each user, keeping at least one rating in train', () => {
    const { train, test } = stratifiedSplit(d, 0.2, 99);
    expect(train.size + test.size).toBe(d.size);
    const all = [...positions(train), ...positions(test)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: d.size }, (_, i) => i));
    expect(rowsAgree(train, d) && rowsAgree(test, d)).toBe(true);
    const total = countByUser(d);
    const held = countByUser(test);
    const kept = countByUser(train);
    let checked = 0;
    for (let u = 0; u < total.length; u++) {
      if (total[u]! >= 2) {
        expect(kept[u]).toBeGreaterThanOrEqual(1);
        expect(Math.abs(held[u]! - 0.2 * total[u]!)).toBeLessThan(1);
        checked++;
      } else if (total[u] === 1) {
        expect(kept[u]).toBe(1);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(Math.abs(test.size / d.size - 0.2)).toBeLessThan(0.01);
  });

  it('keeps the input order within each part', () => {
    const { train, test } = stratifiedSplit(d, 0.3, 1);
    for (const part of [train, test]) {
      let sorted = true;
      for (let k = 1; k < part.size; k++) if (part.ratings[k]! < part.ratings[k - 1]!) sorted = false;
      expect(sorted).toBe(true);
    }
  });

  it('is reproducible by seed, picks different ratings for another seed, and never holds out everything', () => {
    const a = stratifiedSplit(d, 0.5, 3).test;
    expect(positions(stratifiedSplit(d, 0.5, 3).test)).toEqual(positions(a));
    expect(positions(stratifiedSplit(d, 0.5, 4).test)).not.toEqual(positions(a));
    const { train } = stratifiedSplit(d, 1, 3);
    const kept = countByUser(train);
    for (let u = 0; u < kept.length; u++) expect(kept[u]).toBeGreaterThanOrEqual(1);
    expect(() => stratifiedSplit(d, 1.5, 0)).toThrow(RangeError);
  });
});
