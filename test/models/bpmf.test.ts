import { describe, expect, it } from 'vitest';
import { buildUserCsr } from '../../lib/data/csr';
import { evaluateRatings } from '../../lib/eval/rating';
import { bpmfServing } from '../../lib/models/bpmf/serve';
import { decodeUserPrior } from '../../lib/models/bpmf/fold-in';
import { FoldInError } from '../../lib/models/contract';
import { fitModel } from '../helpers/fit';
import { plantedRatings } from './svd-fixtures';

const planted = plantedRatings({ users: 300, items: 200, perUser: 40 });
const quick = { dim: 3, burnIn: 10, samples: 30 };

describe('bpmf', () => {
  it('learns a planted low-rank set far better than the baseline, averaging the kept samples', async () => {
    const baseline = evaluateRatings((await fitModel('baseline', planted.train)).factors, planted.test).rmse;
    const fit = await fitModel('bpmf', planted.train, quick, { seed: 3, test: planted.test });
    const { rmse } = evaluateRatings(fit.factors, planted.test);
    expect(rmse).toBeLessThan(0.2);
    expect(rmse).toBeLessThan(baseline / 4);
    expect(fit.curve).toHaveLength(40);
    expect(fit.stoppedBy).toBeUndefined();
    // The curve's test error is that of the averaged predictions; the posterior-mean factors come close.
    expect(fit.curve.at(-1)!.testError).toBeLessThan(0.2);
    expect(Math.abs(rmse - fit.curve.at(-1)!.testError)).toBeLessThan(0.02);
    expect(fit.factors.kind).toBe('bpmf');
    expect(fit.factors.P).toHaveLength(planted.train.userIds.size * 3);
    expect(fit.factors.userBias).toHaveLength(planted.train.userIds.size);
    expect(fit.factors.Y).toBeUndefined();
  });

  it('with the implicit term, also learns it and publishes Y', async () => {
    const fit = await fitModel('bpmf', planted.train, { ...quick, implicit: true }, { seed: 3 });
    expect(evaluateRatings(fit.factors, planted.test).rmse).toBeLessThan(0.2);
    expect(fit.factors.Y).toHaveLength(planted.train.itemIds.size * 3);
    expect(fit.factors.Y!.some((y) => y !== 0)).toBe(true);
  });

  it('is deterministic for a seed, and another seed gives another chain', async () => {
    const params = { ...quick, samples: 5, implicit: true };
    const a = await fitModel('bpmf', planted.train, params, { seed: 11 });
    const b = await fitModel('bpmf', planted.train, params, { seed: 11 });
    const c = await fitModel('bpmf', planted.train, params, { seed: 12 });
    expect(Array.from(a.factors.P!)).toEqual(Array.from(b.factors.P!));
    expect(Array.from(a.factors.Q)).toEqual(Array.from(b.factors.Q));
    expect(Array.from(a.factors.Y!)).toEqual(Array.from(b.factors.Y!));
    expect(a.factors.foldIn).toEqual(b.factors.foldIn);
    expect(Array.from(c.factors.Q)).not.toEqual(Array.from(a.factors.Q));
  });

  it('draws the same chain on 2 threads as on 1', async () => {
    const params = { ...quick, samples: 5, implicit: true };
    const one = await fitModel('bpmf', planted.train, params, { seed: 11, threads: 1, test: planted.test });
    const two = await fitModel('bpmf', planted.train, params, { seed: 11, threads: 2, test: planted.test });
    expect(Array.from(two.factors.P!)).toEqual(Array.from(one.factors.P!));
    expect(Array.from(two.factors.Q)).toEqual(Array.from(one.factors.Q));
    expect(Array.from(two.factors.itemBias!)).toEqual(Array.from(one.factors.itemBias!));
    expect(two.curve.map((p) => p.testError)).toEqual(one.curve.map((p) => p.testError));
  });

  it('a fixed noise precision is used as given', async () => {
    const fit = await fitModel('bpmf', planted.train, { ...quick, samples: 3, alpha: 7 }, { seed: 1 });
    expect(decodeUserPrior({ ...fit.factors }).noisePrecision).toBe(7);
  });

  it('stops sampling at the deadline, keeping what it has', async () => {
    const big = plantedRatings({ users: 2000, items: 300, perUser: 40 });
    const fit = await fitModel('bpmf', big.train, { dim: 8, burnIn: 2, samples: 1e6 }, { seed: 1, test: big.test, deadline: Date.now() + 500 });
    expect(fit.stoppedBy).toBe('deadline');
    expect(fit.curve.length).toBeGreaterThan(0);
    expect(fit.curve.length).toBeLessThan(1e6);
    expect(Array.from(fit.factors.Q).every(Number.isFinite)).toBe(true);
  });

  it('folds a training user in from their own ratings to about the scores of their posterior-mean row', async () => {
    const fit = await fitModel('bpmf', planted.train, quick, { seed: 3 });
    const { dim, P, Q, userBias } = fit.factors;
    const rows = buildUserCsr(planted.train);
    const scorer = bpmfServing.open({ ...fit.factors });
    for (const u of [3, 17, 101]) {
      const from = rows.offsets[u]!;
      const to = rows.offsets[u + 1]!;
      const visitor = scorer.foldIn(rows.items.slice(from, to), rows.ratings.slice(from, to));
      // Every item's score moves by (b - b_u) + (vec - p_u)·q_i: small against the ratings' spread (about 1.2 here).
      let worst = 0;
      for (let i = 0; i < fit.factors.nItems; i++) {
        let diff = visitor.bias - userBias![u]!;
        for (let d = 0; d < dim; d++) diff += (visitor.vec![d]! - P![u * dim + d]!) * Q[i * dim + d]!;
        worst = Math.max(worst, Math.abs(diff));
      }
      expect(worst).toBeLessThan(0.25);
    }
    // No ratings: the prior mean.
    const nobody = scorer.foldIn(new Int32Array(0), new Float32Array(0));
    const prior = decodeUserPrior(fit.factors);
    for (let d = 0; d < dim; d++) expect(nobody.vec![d]).toBeCloseTo(prior.mean[d]!, 6);
    const broken = bpmfServing.open({ ...fit.factors, foldIn: { noisePrecision: 2, priorMean: '1,2', priorPrecision: '1' } });
    expect(() => broken.foldIn(Int32Array.of(1), Float32Array.of(4))).toThrow(FoldInError);
  });

  it('refuses bad params by name', async () => {
    await expect(fitModel('bpmf', planted.train, { dim: 0 })).rejects.toThrow(/bpmf params: dim/);
    await expect(fitModel('bpmf', planted.train, { samples: 0 })).rejects.toThrow(/bpmf params: samples/);
    await expect(fitModel('bpmf', planted.train, { alpha: 'guess' })).rejects.toThrow(/bpmf params: alpha/);
    await expect(fitModel('bpmf', planted.train, { implicit: 'yes' })).rejects.toThrow(/bpmf params: implicit/);
    await expect(fitModel('bpmf', planted.train, { lr: 0.1 })).rejects.toThrow(/bpmf params: .*lr/);
  });
});
