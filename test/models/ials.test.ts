import { describe, expect, it } from 'vitest';
import { buildUserCsr } from '../../lib/data/csr';
import { createRng } from '../../lib/data/random';
import { stratifiedSplit } from '../../lib/data/splits';
import { evaluateRanking } from '../../lib/eval/ranking';
import { extraConfidence, ialsFoldIn, parseIalsFoldIn, type IalsFoldInParams } from '../../lib/models/ials/fold-in';
import { RecallAtK } from '../../lib/models/ials/recall';
import { HalfStepSolver, type WeightedCsr } from '../../lib/models/ials/solve';
import { splitRows } from '../../lib/models/ials/workers';
import { choleskyFactor, choleskySolve } from '../../lib/math/linalg/cholesky';
import { gram } from '../../lib/math/linalg/dense';
import { getModel } from '../../lib/models/registry';
import { fitModel } from '../helpers/fit';
import { clusteredDataset, datasetOf } from './ials-fixtures';

/**
 * The exact user solve written out the long way, without the Gram trick: every one of
 * the nItems cells enters with its own confidence (1 + α r observed, 1 unobserved)
 * and preference (1 observed, 0 unobserved).
 */
function directUserSolve(
  Y: Float32Array,
  nItems: number,
  dim: number,
  rated: Map<number, number>,
  p: { reg: number; regExponent: number; alpha: number },
): Float64Array {
  const A = new Float64Array(dim * dim);
  const b = new Float64Array(dim);
  let weightSum = 0;
  for (let i = 0; i < nItems; i++) {
    const r = rated.get(i);
    const c = r === undefined ? 1 : 1 + p.alpha * r;
    if (r !== undefined) weightSum += p.alpha * r;
    for (let a = 0; a < dim; a++) {
      for (let bb = 0; bb < dim; bb++) A[a * dim + bb] += c * Y[i * dim + a]! * Y[i * dim + bb]!;
      if (r !== undefined) b[a] += c * Y[i * dim + a]!;
    }
  }
  const reg = p.reg * Math.pow(nItems + weightSum, p.regExponent);
  for (let a = 0; a < dim; a++) A[a * dim + a] += reg;
  choleskyFactor(A, dim);
  const x = new Float64Array(dim);
  choleskySolve(A, dim, b, x);
  return x;
}

const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const relativeError = (got: ArrayLike<number>, want: ArrayLike<number>): number => {
  let d = 0;
  for (let k = 0; k < want.length; k++) d += (got[k]! - want[k]!) ** 2;
  return Math.sqrt(d) / norm(want);
};

describe('iALS user half-step', () => {
  const nUsers = 4;
  const nItems = 6;
  const dim = 3;
  // user 3 rates nothing
  const triples: Array<[number, number, number]> = [
    [0, 0, 5], [0, 2, 3], [0, 5, 1],
    [1, 1, 4], [1, 2, 2],
    [2, 0, 1], [2, 1, 5], [2, 3, 4], [2, 4, 2],
  ];
  const data = datasetOf(triples, nUsers, nItems);
  const rng = createRng(5);
  const Y = Float32Array.from({ length: nItems * dim }, () => rng.nextGaussian() * 0.7);
  const G = new Float64Array(dim * dim);
  gram(Y, nItems, dim, G);

  for (const regExponent of [0, 1]) {
    it(`matches a direct solve of the normal equations over all cells (ν = ${regExponent})`, () => {
      const alpha = 0.8;
      const reg = regExponent === 0 ? 0.3 : 0.05;
      const csr = buildUserCsr(data);
      const weighted: WeightedCsr = {
        offsets: csr.offsets,
        cols: csr.items,
        weights: Float32Array.from(csr.ratings, (r) => alpha * r),
      };
      const X = Float32Array.from({ length: nUsers * dim }, () => rng.nextGaussian());
      new HalfStepSolver(dim).solveRows(weighted, nItems, Y, G, X, { dim, reg, regExponent, cgSteps: 20 }, 0, nUsers);

      for (let u = 0; u < 3; u++) {
        const rated = new Map(triples.filter((t) => t[0] === u).map((t) => [t[1], t[2]] as [number, number]));
        const want = directUserSolve(Y, nItems, dim, rated, { reg, regExponent, alpha });
        expect(relativeError(X.subarray(u * dim, (u + 1) * dim), want)).toBeLessThan(1e-5);

        // Folding the same user in gives the same vector (it is the same equation).
        const items = Int32Array.from(rated.keys());
        const ratings = Float32Array.from(rated.values());
        const folded = new Float32Array(dim);
        const params: IalsFoldInParams = { reg, regExponent, alpha, confidence: 'linear', epsilon: 1 };
        ialsFoldIn(Y, dim, G, items, ratings, params, folded);
        expect(relativeError(folded, want)).toBeLessThan(1e-5);
      }
      expect(Array.from(X.subarray(3 * dim))).toEqual([0, 0, 0]);
    });
  }

  it('each CG step from a warm start moves closer, and dim steps are exact', () => {
    const csr = buildUserCsr(data);
    const weighted: WeightedCsr = { offsets: csr.offsets, cols: csr.items, weights: Float32Array.from(csr.ratings, (r) => r) };
    const rated = new Map(triples.filter((t) => t[0] === 2).map((t) => [t[1], t[2]] as [number, number]));
    const want = directUserSolve(Y, nItems, dim, rated, { reg: 0.3, regExponent: 0, alpha: 1 });
    const errors = [0, 1, 2, 3].map((cgSteps) => {
      const X = new Float32Array(nUsers * dim).fill(1);
      if (cgSteps > 0) new HalfStepSolver(dim).solveRows(weighted, nItems, Y, G, X, { dim, reg: 0.3, regExponent: 0, cgSteps }, 2, 3);
      return relativeError(X.subarray(2 * dim, 3 * dim), want);
    });
    for (let s = 1; s < errors.length; s++) expect(errors[s]!).toBeLessThan(errors[s - 1]!);
    expect(errors[3]!).toBeLessThan(1e-5); // CG on a 3 x 3 system is exact after 3 steps
  });
});

describe('iALS fit', () => {
  const data = clusteredDataset(1);
  const { train, test } = stratifiedSplit(data, 0.25, 3);

  it('is registered and returns ranking factors with fold-in parameters', async () => {
    const ials = getModel('ials').training;
    expect(getModel('ials').serving.kind).toBe('ials');
    const { factors, curve } = await fitModel('ials', train, { epochs: 2, dim: 8 }, { seed: 1 });
    expect(factors).toMatchObject({ kind: 'ials', scoring: 'ranking', dim: 8, mu: 0, nUsers: 200, nItems: 120 });
    expect(factors.userBias).toBeUndefined();
    expect(factors.P!.length).toBe(200 * 8);
    expect(factors.Q.length).toBe(120 * 8);
    // P is the trained table itself (no copy at the memory peak), which may be a view of the kernel's shared memory.
    expect(factors.P!).toBeInstanceOf(Float32Array);
    // Q comes back in the data set's item order, in a table of its own.
    expect(factors.Q.buffer).toBeInstanceOf(ArrayBuffer);
    expect(parseIalsFoldIn(factors.foldIn)).toEqual({
      reg: ials.defaults.reg,
      regExponent: ials.defaults.regExponent,
      alpha: ials.defaults.alpha,
      confidence: ials.defaults.confidence,
      epsilon: ials.defaults.epsilon,
    });
    expect(curve).toHaveLength(2);
  });

  it('ranks the held-out items of a clustered set far better than popularity', async () => {
    const fitted = await fitModel('ials', train, {}, { seed: 2 });
    const mine = evaluateRanking(fitted.factors, train, test, 10);
    const pop = evaluateRanking((await fitModel('popularity', train, {})).factors, train, test, 10);
    // About 0.45 against 0.22 here: popularity cannot see which group a user is in.
    expect(mine['recall@10']).toBeGreaterThan(1.5 * pop['recall@10']);
    expect(mine['ndcg@10']).toBeGreaterThan(pop['ndcg@10'] + 0.05);
  });

  it('is deterministic for a seed, whatever the number of threads', async () => {
    const params = { epochs: 3, dim: 8 };
    const a = await fitModel('ials', train, params, { seed: 7, threads: 1 });
    const b = await fitModel('ials', train, params, { seed: 7, threads: 1 });
    const c = await fitModel('ials', train, params, { seed: 8, threads: 1 });
    const twoThreads = await fitModel('ials', train, params, { seed: 7, threads: 2 });
    expect(b.factors.P).toEqual(a.factors.P);
    expect(b.factors.Q).toEqual(a.factors.Q);
    expect(c.factors.Q).not.toEqual(a.factors.Q);
    expect(twoThreads.factors.P).toEqual(a.factors.P);
    expect(twoThreads.factors.Q).toEqual(a.factors.Q);
    expect(twoThreads.factors.Q.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('reports one point per epoch: the objective never rises, testError is 1 − recall@10', async () => {
    const points: number[] = [];
    const { curve } = await fitModel('ials', train, { epochs: 6 }, { seed: 3, test, onProgress: (p) => points.push(p.epoch) });
    expect(points).toEqual([1, 2, 3, 4, 5, 6]);
    for (let e = 1; e < curve.length; e++) {
      expect(curve[e]!.batchError).toBeLessThanOrEqual(curve[e - 1]!.batchError * (1 + 1e-6));
    }
    let best = Infinity;
    for (const p of curve) {
      expect(p.testError).toBeGreaterThanOrEqual(0);
      expect(p.testError).toBeLessThanOrEqual(1);
      expect(p.best).toBe(p.testError < best);
      best = Math.min(best, p.testError);
    }
    expect(curve[curve.length - 1]!.testError).toBeLessThan(curve[0]!.testError);
  });

  it('with patience, stops early and returns the best epoch', async () => {
    const { factors, curve, stoppedBy } = await fitModel('ials', train, { epochs: 60, patience: 2 }, { seed: 4, test });
    expect(stoppedBy).toBe('early-stopping');
    expect(curve.length).toBeLessThan(60);
    const best = Math.min(...curve.map((p) => p.testError));
    const csr = buildUserCsr(train);
    const recall = new RecallAtK(csr.offsets, csr.items, test, 10, 2000).measure(factors.P!, factors.Q, factors.dim);
    expect(1 - recall).toBeCloseTo(best, 10);
  });

  it('stops at a deadline that has passed', async () => {
    const { curve, stoppedBy } = await fitModel('ials', train, {}, { seed: 1, deadline: Date.now() - 1 });
    expect(stoppedBy).toBe('deadline');
    expect(curve).toHaveLength(0);
  });

  it('rejects bad parameters naming the field', async () => {
    await expect(fitModel('ials', train, { dim: 0 })).rejects.toThrow(/ials params: dim/);
    await expect(fitModel('ials', train, { confidence: 'square' as never })).rejects.toThrow(/confidence/);
  });

  it("folding in a training user's own items gives a vector close to the trained one", async () => {
    const { factors } = await fitModel('ials', train, { epochs: 30 }, { seed: 5 });
    const { dim, Q } = factors;
    const G = new Float64Array(dim * dim);
    gram(Q, factors.nItems, dim, G);
    const params = parseIalsFoldIn(factors.foldIn);
    const csr = buildUserCsr(train);
    const out = new Float32Array(dim);
    for (const u of [0, 17, 101, 199]) {
      const from = csr.offsets[u]!;
      const to = csr.offsets[u + 1]!;
      ialsFoldIn(Q, dim, G, csr.items.subarray(from, to), csr.ratings.subarray(from, to), params, out);
      expect(relativeError(out, factors.P!.subarray(u * dim, (u + 1) * dim))).toBeLessThan(0.02);
    }
  });
});

describe('splitRows', () => {
  it('covers every row once in contiguous ranges of about equal cost', () => {
    const rng = createRng(9);
    const counts = Array.from({ length: 500 }, () => (rng.next() < 0.05 ? 400 : rng.nextInt(20)));
    const offsets = new Uint32Array(counts.length + 1);
    counts.forEach((c, r) => (offsets[r + 1] = offsets[r]! + c));
    const dim = 16;
    const cost = (from: number, to: number): number => (to - from) * dim + 2 * (offsets[to]! - offsets[from]!);
    for (const parts of [1, 2, 3, 8]) {
      const b = splitRows(offsets, dim, parts);
      expect(b[0]).toBe(0);
      expect(b[parts]).toBe(500);
      for (let p = 0; p < parts; p++) {
        expect(b[p + 1]!).toBeGreaterThanOrEqual(b[p]!);
        // Within one row's cost of an equal share.
        expect(cost(b[p]!, b[p + 1]!)).toBeLessThanOrEqual(cost(0, 500) / parts + dim + 2 * 400);
      }
    }
    expect(Array.from(splitRows(Uint32Array.of(0, 3), dim, 4))).toEqual([0, 1, 1, 1, 1]);
  });
});

describe('ialsFoldIn input checks', () => {
  const params: IalsFoldInParams = { reg: 0.1, regExponent: 0, alpha: 1, confidence: 'binary', epsilon: 1 };
  const Q = Float32Array.from([1, 0, 0, 1, 1, 1]);
  const G = new Float64Array(4);
  gram(Q, 3, 2, G);

  it('gives the zero vector for no items and rejects an unknown item', () => {
    const out = new Float32Array(2).fill(9);
    ialsFoldIn(Q, 2, G, new Int32Array(0), new Float32Array(0), params, out);
    expect(Array.from(out)).toEqual([0, 0]);
    expect(() => ialsFoldIn(Q, 2, G, Int32Array.of(3), Float32Array.of(4), params, out)).toThrow(/item index 3/);
    expect(() => ialsFoldIn(Q, 2, G, Int32Array.of(1), new Float32Array(0), params, out)).toThrow(/length/);
  });

  it('turns ratings into extra confidence α f(r), never below zero', () => {
    expect(extraConfidence(4, { alpha: 2, confidence: 'binary', epsilon: 1 })).toBe(2);
    expect(extraConfidence(4, { alpha: 2, confidence: 'linear', epsilon: 1 })).toBe(8);
    expect(extraConfidence(4, { alpha: 2, confidence: 'log', epsilon: 2 })).toBeCloseTo(2 * Math.log(3), 12);
    expect(extraConfidence(-1, { alpha: 2, confidence: 'linear', epsilon: 1 })).toBe(0);
    expect(extraConfidence(-5, { alpha: 2, confidence: 'log', epsilon: 1 })).toBe(0);
  });

  it('reads its parameters back from a manifest record, or says what is wrong', () => {
    expect(parseIalsFoldIn({ ...params })).toEqual(params);
    expect(() => parseIalsFoldIn({ ...params, alpha: 'x' })).toThrow(/alpha/);
    expect(() => parseIalsFoldIn({ ...params, confidence: 'cubic' })).toThrow(/confidence/);
    expect(() => parseIalsFoldIn(undefined)).toThrow(/reg|confidence/);
  });
});
