import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/data/random';
import {
  catalogueCoverage,
  evaluateRanking,
  mapAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
} from '../../lib/eval/ranking';
import type { Factors } from '../../lib/math/factors';
import { part, tinyDataset } from './tiny';

const d = (rank: number) => 1 / Math.log2(rank + 1);

describe('per-list metrics (Microsoft Recommenders definitions)', () => {
  const recommended = [1, 2, 3, 4, 5];
  const relevant = [2, 4, 9];

  it('score hits at ranks 2 and 4 of 5 with 3 relevant items', () => {
    expect(precisionAtK(recommended, relevant, 5)).toBeCloseTo(2 / 5, 12);
    expect(recallAtK(recommended, relevant, 5)).toBeCloseTo(2 / 3, 12);
    expect(ndcgAtK(recommended, relevant, 5)).toBeCloseTo((d(2) + d(4)) / (d(1) + d(2) + d(3)), 12);
    expect(mapAtK(recommended, relevant, 5)).toBeCloseTo((1 / 2 + 2 / 4) / 3, 12);
  });

  it('cut the list at k', () => {
    expect(precisionAtK(recommended, relevant, 3)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(recommended, relevant, 3)).toBeCloseTo(1 / 3, 12);
    expect(ndcgAtK(recommended, relevant, 3)).toBeCloseTo(d(2) / (d(1) + d(2) + d(3)), 12);
    expect(mapAtK(recommended, relevant, 3)).toBeCloseTo(1 / 2 / 3, 12);
  });

  it('divide precision by k when k is larger than the list; ideal DCG over min(k, |relevant|)', () => {
    expect(precisionAtK(recommended, relevant, 10)).toBeCloseTo(2 / 10, 12);
    expect(recallAtK(recommended, relevant, 10)).toBeCloseTo(2 / 3, 12);
    expect(ndcgAtK(recommended, relevant, 10)).toBeCloseTo((d(2) + d(4)) / (d(1) + d(2) + d(3)), 12);
    // MAP divides by |relevant| (3), not by min(k, |relevant|)
    expect(mapAtK([9, 7], relevant, 10)).toBeCloseTo(1 / 3, 12);
  });

  it('score a perfect list 1 and a list without relevant items 0', () => {
    for (const f of [precisionAtK, recallAtK, ndcgAtK, mapAtK]) {
      expect(f([7, 8], [8, 7], 2)).toBeCloseTo(1, 12);
      expect(f([7, 8], [], 2)).toBe(0);
    }
  });

  it('rejects a k that is not a positive integer', () => {
    expect(() => precisionAtK([1], [1], 0)).toThrow(/positive integer/);
  });

  it('catalogue coverage counts distinct items', () => {
    expect(catalogueCoverage([[1, 2], [2, 3], []], 10)).toBeCloseTo(0.3, 12);
  });
});

function popularityFactors(scores: number[], nUsers: number): Factors {
  return {
    kind: 'popularity',
    scoring: 'ranking',
    dim: 0,
    nUsers,
    nItems: scores.length,
    mu: 0,
    scale: { min: 1, max: 5 },
    itemBias: new Float32Array(scores),
    Q: new Float32Array(0),
  };
}

describe('evaluateRanking', () => {
  it('excludes training items, skips users without test ratings, averages over the rest', () => {
    const all = tinyDataset(
      [
        [0, 0, 4], // train
        [1, 0, 5], // train
        [1, 1, 2], // train
        [2, 3, 3], // train (user 2 has no test ratings: skipped)
        [0, 1, 1], // test
        [0, 3, 5], // test
        [1, 4, 4], // test
      ],
      3,
      5,
    );
    const train = part(all, [0, 1, 2, 3]);
    const test = part(all, [4, 5, 6]);
    const m = evaluateRanking(popularityFactors([5, 4, 3, 2, 1], 3), train, test, 2);
    // user 0: list [1, 2] (0 seen), hit at rank 1 of relevant {1, 3}; user 1: list [2, 3], no hit
    expect(m.users).toBe(2);
    expect(m['precision@2']).toBeCloseTo((1 / 2 + 0) / 2, 12);
    expect(m['recall@2']).toBeCloseTo((1 / 2 + 0) / 2, 12);
    expect(m['ndcg@2']).toBeCloseTo(1 / (1 + d(2)) / 2, 6);
    // user 0: precision at the hit's rank (1/1) over 2 relevant items
    expect(m['map@2']).toBeCloseTo((1 / 1 / 2 + 0) / 2, 12);
    expect(m.coverage).toBeCloseTo(3 / 5, 12);
  });

  it('agrees with the per-list functions over brute-force lists for random factors', () => {
    const rng = createRng(3);
    const nU = 30;
    const nI = 40;
    const dim = 3;
    const triples: [number, number, number][] = [];
    for (let u = 0; u < nU; u++) for (let i = 0; i < nI; i++) if (rng.next() < 0.3) triples.push([u, i, 1 + rng.nextInt(5)]);
    const all = tinyDataset(triples, nU, nI);
    const trainPos: number[] = [];
    const testPos: number[] = [];
    for (let r = 0; r < all.size; r++) (rng.next() < 0.75 ? trainPos : testPos).push(r);
    const train = part(all, trainPos);
    const test = part(all, testPos);
    const P = new Float32Array(nU * dim).map(() => rng.nextGaussian());
    const Q = new Float32Array(nI * dim).map(() => rng.nextGaussian());
    const factors: Factors = { kind: 'svd', scoring: 'rating', dim, nUsers: nU, nItems: nI, mu: 0, scale: { min: -100, max: 100 }, P, Q };
    const k = 5;

    const sums = { precision: 0, recall: 0, ndcg: 0, map: 0 };
    let users = 0;
    for (let u = 0; u < nU; u++) {
      const relevant = new Set(triples.filter((_, r) => testPos.includes(r) && triples[r]![0] === u).map((t) => t[1]));
      if (relevant.size === 0) continue;
      const seen = new Set(trainPos.filter((r) => triples[r]![0] === u).map((r) => triples[r]![1]));
      const list = [...Array(nI).keys()]
        .filter((i) => !seen.has(i))
        .map((i) => ({ i, s: [0, 1, 2].reduce((a, f) => a + P[u * dim + f]! * Q[i * dim + f]!, 0) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, k)
        .map((x) => x.i);
      sums.precision += precisionAtK(list, relevant, k);
      sums.recall += recallAtK(list, relevant, k);
      sums.ndcg += ndcgAtK(list, relevant, k);
      sums.map += mapAtK(list, relevant, k);
      users++;
    }
    const m = evaluateRanking(factors, train, test, k);
    expect(m.users).toBe(users);
    expect(m['precision@5']).toBeCloseTo(sums.precision / users, 5);
    expect(m['recall@5']).toBeCloseTo(sums.recall / users, 5);
    expect(m['ndcg@5']).toBeCloseTo(sums.ndcg / users, 5);
    expect(m['map@5']).toBeCloseTo(sums.map / users, 5);
  });
});
