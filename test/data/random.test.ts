import { describe, expect, it } from 'vitest';
import { createRng, fillGaussian, shuffleInPlace, skipGaussian } from '../../lib/data/random';

describe('createRng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xs);
  });

  it('next() stays in [0, 1) with a mean near 1/2', () => {
    const rng = createRng(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('nextInt(n) covers 0..n-1 about evenly and rejects bad n', () => {
    const rng = createRng(3);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.nextInt(7)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => rng.nextInt(2.5)).toThrow(RangeError);
  });

  it('nextGaussian has mean 0 and variance 1', () => {
    const rng = createRng(11);
    let sum = 0;
    let sumSq = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const g = rng.nextGaussian();
      sum += g;
      sumSq += g * g;
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(sumSq / n).toBeCloseTo(1, 1);
  });

  it('fillGaussian draws N(0, std²), tails included, into every slot of an odd-length array', () => {
    const out = fillGaussian(new Float32Array(200_001).fill(Number.NaN), 0.5, createRng(12));
    let sum = 0;
    let sumSq = 0;
    let beyond2 = 0;
    for (const g of out) {
      sum += g;
      sumSq += g * g;
      if (Math.abs(g) > 1) beyond2++; // 2 standard deviations
    }
    expect(Number.isFinite(out[out.length - 1]!)).toBe(true);
    expect(sum / out.length).toBeCloseTo(0, 2);
    expect(Math.sqrt(sumSq / out.length)).toBeCloseTo(0.5, 2);
    expect(beyond2 / out.length).toBeCloseTo(0.0455, 2);
    // The same seed draws the same values.
    expect(fillGaussian(new Float32Array(9), 0.5, createRng(12))).toEqual(out.subarray(0, 9));
  });

  it('skipGaussian leaves the stream where fillGaussian of the same length does', () => {
    for (const n of [0, 1, 2, 7, 10_000]) {
      const filled = createRng(4);
      const skipped = createRng(4);
      fillGaussian(new Float32Array(n), 1, filled);
      skipGaussian(n, skipped);
      expect([skipped.nextUint32(), skipped.nextUint32()]).toEqual([filled.nextUint32(), filled.nextUint32()]);
    }
  });

  it('rejects a non-finite seed', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});

describe('shuffleInPlace', () => {
  it('permutes (same multiset), reproducibly by seed', () => {
    const a = Int32Array.from({ length: 1000 }, (_, i) => i);
    const b = a.slice();
    shuffleInPlace(a, createRng(5));
    shuffleInPlace(b, createRng(5));
    expect(a).toEqual(b);
    expect(Array.from(a)).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('puts each element in each position about equally often', () => {
    const rng = createRng(9);
    const firstCounts = [0, 0, 0, 0];
    for (let t = 0; t < 40_000; t++) {
      const xs = [0, 1, 2, 3];
      shuffleInPlace(xs, rng);
      firstCounts[xs[0]!]!++;
    }
    for (const c of firstCounts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('nextInt over its whole range', () => {
  it('stays in [0, n) and spreads evenly for large n too', () => {
    const rng = createRng(21);
    for (const n of [1, 2, 3, (1 << 21) - 1, 1 << 21, (1 << 21) + 1, 30_000_000, 2 ** 32]) {
      let outside = 0;
      let sum = 0;
      for (let i = 0; i < 20_000; i++) {
        const x = rng.nextInt(n);
        if (!(Number.isInteger(x) && x >= 0 && x < n)) outside++;
        sum += x;
      }
      expect(outside, `n = ${n}`).toBe(0);
      // The mean of a uniform integer in [0, n) is (n - 1) / 2.
      if (n > 1) expect(Math.abs(sum / 20_000 / (n - 1) - 0.5), `n = ${n}`).toBeLessThan(0.02);
    }
  });
});
