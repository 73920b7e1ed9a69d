import { describe, expect, it } from 'vitest';
import { buildUserCsr } from '../../lib/data/csr';
import { evaluateRatings } from '../../lib/eval/rating';
import { svdppServing } from '../../lib/models/svdpp/serve';
import { fitModel } from '../helpers/fit';
import { plantedRatings } from './svd-fixtures';

const planted = plantedRatings({ users: 300, items: 200, perUser: 40 });
const quick = { dim: 8, epochs: 25, lr: 0.02, reg: 0.01, regImplicit: 0.01, patience: 100 };

describe('svdpp', () => {
  it('learns a planted low-rank set far better than the baseline', async () => {
    const baseline = evaluateRatings((await fitModel('baseline', planted.train)).factors, planted.test).rmse;
    const fit = await fitModel('svdpp', planted.train, quick, { seed: 3, test: planted.test });
    const { rmse } = evaluateRatings(fit.factors, planted.test);
    expect(rmse).toBeLessThan(0.25);
    expect(rmse).toBeLessThan(baseline / 3);
    expect(fit.curve.at(-1)!.batchError).toBeLessThan(fit.curve[0]!.batchError);
    expect(fit.factors.kind).toBe('svdpp');
    expect(fit.factors.P).toHaveLength(planted.train.userIds.size * 8);
    expect(fit.factors.Y).toHaveLength(planted.train.itemIds.size * 8);
  });

  it('folds a training user in from their own ratings close to the row training gave them', async () => {
    const fit = await fitModel('svdpp', planted.train, quick, { seed: 3 });
    const { dim, P, userBias } = fit.factors;
    const rows = buildUserCsr(planted.train);
    const scorer = svdppServing.open({ ...fit.factors, params: fit.resolvedParams });
    for (const u of [3, 17, 101]) {
      const from = rows.offsets[u]!;
      const to = rows.offsets[u + 1]!;
      const visitor = scorer.foldIn(rows.items.slice(from, to), rows.ratings.slice(from, to));
      let dot = 0;
      let trained = 0;
      let folded = 0;
      for (let d = 0; d < dim; d++) {
        dot += P![u * dim + d]! * visitor.vec![d]!;
        trained += P![u * dim + d]! ** 2;
        folded += visitor.vec![d]! ** 2;
      }
      expect(dot / Math.sqrt(trained * folded)).toBeGreaterThan(0.9);
      expect(Math.abs(visitor.bias - userBias![u]!)).toBeLessThan(0.3);
    }
    const { Y: _implicit, ...withoutY } = fit.factors;
    expect(() => svdppServing.open(withoutY).foldIn(Int32Array.of(1), Float32Array.of(4))).toThrow(/no implicit item factors/);
  });

  it('is deterministic for a seed, and another seed gives another model', async () => {
    const a = await fitModel('svdpp', planted.train, { ...quick, epochs: 5 }, { seed: 11 });
    const b = await fitModel('svdpp', planted.train, { ...quick, epochs: 5 }, { seed: 11 });
    const c = await fitModel('svdpp', planted.train, { ...quick, epochs: 5 }, { seed: 12 });
    expect(Array.from(a.factors.P!)).toEqual(Array.from(b.factors.P!));
    expect(Array.from(a.factors.Y!)).toEqual(Array.from(b.factors.Y!));
    expect(Array.from(a.factors.itemBias!)).toEqual(Array.from(b.factors.itemBias!));
    expect(Array.from(c.factors.Q)).not.toEqual(Array.from(a.factors.Q));
  });

  it('early stopping returns the best epoch, not the last', async () => {
    const small = plantedRatings({ users: 80, items: 60, perUser: 8, noise: 0.5, seed: 2 });
    const fit = await fitModel('svdpp', small.train, { dim: 32, lr: 0.05, reg: 0, regImplicit: 0, regBias: 0, epochs: 200, patience: 3 }, { seed: 1, test: small.test });
    expect(fit.stoppedBy).toBe('early-stopping');
    const best = Math.min(...fit.curve.map((p) => p.testError));
    expect(fit.curve.findIndex((p) => p.testError === best)).toBe(fit.curve.length - 4);
    expect(evaluateRatings(fit.factors, small.test).rmse).toBeCloseTo(best, 5);
  });

  it('stops at the deadline with the best model so far', async () => {
    const fit = await fitModel('svdpp', planted.train, { dim: 16, epochs: 100000, patience: 100000 }, { seed: 1, test: planted.test, deadline: Date.now() + 300 });
    expect(fit.stoppedBy).toBe('deadline');
    expect(fit.curve.length).toBeGreaterThan(0);
    expect(evaluateRatings(fit.factors, planted.test).rmse).toBeCloseTo(Math.min(...fit.curve.map((p) => p.testError)), 5);
  });

  it('refuses bad params by name', async () => {
    await expect(fitModel('svdpp', planted.train, { dim: 0 })).rejects.toThrow(/svdpp params: dim/);
    await expect(fitModel('svdpp', planted.train, { regImplicit: -1 })).rejects.toThrow(/svdpp params: regImplicit/);
    await expect(fitModel('svdpp', planted.train, { kernel: 'wasm' })).rejects.toThrow(/svdpp params: .*kernel/);
  });
});
