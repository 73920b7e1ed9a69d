import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LargestTerms } from '../../lib/math/contributions';
import { TopN, itemNorms, predictRating, scoreAllFactors, selectTopN, similarItems, type ScoringModel } from '../../lib/math/scoring';

function randomModel(nItems: number, dim: number, seed: number): ScoringModel & { P: Float32Array } {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const Q = Float32Array.from({ length: nItems * dim }, rand);
  const P = Float32Array.from({ length: 3 * dim }, rand);
  const itemBias = Float32Array.from({ length: nItems }, rand);
  return { scoring: 'ranking', dim, nItems, mu: 0, scale: { min: 1, max: 5 }, Q, P, itemBias };
}

/** The reference: score everything, drop seen, sort the whole list. */
function bruteForce(m: ScoringModel & { P: Float32Array }, user: number, n: number, seen: Set<number>) {
  const all: Array<[number, number]> = [];
  for (let i = 0; i < m.nItems; i++) {
    if (seen.has(i)) continue;
    let s = m.itemBias![i]!;
    for (let f = 0; f < m.dim; f++) s += m.P[user * m.dim + f]! * m.Q[i * m.dim + f]!;
    all.push([i, s]);
  }
  return all.sort((a, b) => b[1] - a[1]).slice(0, n);
}

describe('TopN', () => {
  it('keeps the n largest of any sequence, best first', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (values, n) => {
        const heap = new TopN(n);
        values.forEach((v, i) => heap.offer(i, v));
        const count = heap.sortDescending();
        const expected = values.map((v) => Math.fround(v)).sort((a, b) => b - a).slice(0, n);
        expect(count).toBe(expected.length);
        expect([...heap.scores.subarray(0, count)]).toEqual(expected);
      }),
    );
  });
});

describe('LargestTerms', () => {
  it('keeps the largest positive terms, largest first (the earlier on ties), and sums every positive one', () => {
    // Few distinct values, so ties and zeros are common; NaN and negatives are never kept.
    const term = fc.oneof(fc.constantFrom(0, -1, 0.5, 2, Number.NaN), fc.double({ min: -5, max: 5, noNaN: true }));
    fc.assert(
      fc.property(fc.array(term, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (terms, capacity) => {
        const largest = new LargestTerms(capacity);
        largest.add(99, 7); // a stale term: reset forgets it
        largest.reset();
        terms.forEach((t, j) => largest.add(j, t));
        const positive = terms.map((t, j) => [j, t] as const).filter(([, t]) => t > 0);
        const want = [...positive].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, capacity);
        expect(largest.count).toBe(want.length);
        expect(Array.from(largest.items.subarray(0, largest.count))).toEqual(want.map(([j]) => j));
        expect(Array.from(largest.terms.subarray(0, largest.count))).toEqual(want.map(([, t]) => t));
        expect(largest.positiveSum).toBeCloseTo(positive.reduce((a, [, t]) => a + t, 0), 9);
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});

describe('scoreAllFactors + selectTopN', () => {
  it('matches a full sort and never returns a seen item', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 9 }), fc.integer(), fc.integer({ min: 1, max: 15 }), fc.uniqueArray(fc.nat(59)), (nItems, dim, seed, n, seenRaw) => {
        const m = randomModel(nItems, dim, seed);
        const seen = Int32Array.from(seenRaw.filter((i) => i < nItems)).sort();
        const heap = new TopN(n);
        const scores = new Float32Array(nItems);
        scoreAllFactors(m, { vec: m.P, offset: dim, bias: 0, seen }, scores);
        const count = selectTopN(scores, nItems, heap, seen);
        const expected = bruteForce(m, 1, n, new Set(seen));
        expect(count).toBe(expected.length);
        for (let k = 0; k < count; k++) {
          expect(seen.includes(heap.items[k]!)).toBe(false);
          expect(heap.scores[k]).toBeCloseTo(expected[k]![1], 4);
        }
      }),
    );
  });

  it('clips rating models to the scale', () => {
    const m = { ...randomModel(5, 2, 3), scoring: 'rating' as const, mu: 10 };
    const heap = new TopN(3);
    const scores = new Float32Array(5);
    scoreAllFactors(m, { vec: m.P, offset: 0, bias: 0, seen: new Int32Array(0) }, scores);
    selectTopN(scores, 5, heap, undefined, m.scale);
    expect([...heap.scores]).toEqual([5, 5, 5]);
    expect(predictRating({ ...m, mu: -10 }, 0, 1)).toBe(1);
  });
});

describe('similarItems', () => {
  it('ranks by cosine and excludes the item itself', () => {
    // Item 0 points along x; 1 is nearly parallel, 2 orthogonal, 3 opposite.
    const Q = Float32Array.from([1, 0, 2, 0.1, 0, 1, -1, 0]);
    const m = { Q, dim: 2, nItems: 4 };
    const heap = new TopN(3);
    const count = similarItems(m, itemNorms(m), 0, heap);
    expect(count).toBe(3);
    expect([...heap.items]).toEqual([1, 2, 3]);
    expect(heap.scores[0]).toBeCloseTo(2 / Math.sqrt(4.01), 5);
    expect(heap.scores[2]).toBeCloseTo(-1, 5);
  });
});
