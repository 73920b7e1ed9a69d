import { describe, expect, it } from 'vitest';
import { evaluateRatings } from '../../lib/eval/rating';
import { fitModel } from '../helpers/fit';
import { plantedRatings } from './svd-fixtures';

const planted = plantedRatings({ users: 300, items: 200, perUser: 40 });
const quick = { dim: 8, epochs: 25, lr: 0.05, reg: 0.01, patience: 100 };

describe('svd', () => {
  it('is deterministic for threads = 1 and gives the same factors with 2 threads', async () => {
    const a = await fitModel('svd', planted.train, quick, { seed: 11, threads: 1 });
    const b = await fitModel('svd', planted.train, quick, { seed: 11, threads: 1 });
    const c = await fitModel('svd', planted.train, quick, { seed: 11, threads: 2 });
    expect(Array.from(a.factors.P!)).toEqual(Array.from(b.factors.P!));
    expect(Array.from(a.factors.Q)).toEqual(Array.from(b.factors.Q));
    expect(Array.from(c.factors.P!)).toEqual(Array.from(a.factors.P!));
    expect(Array.from(c.factors.itemBias!)).toEqual(Array.from(a.factors.itemBias!));
    const d = await fitModel('svd', planted.train, quick, { seed: 12, threads: 1 });
    expect(Array.from(d.factors.Q)).not.toEqual(Array.from(a.factors.Q));
  });

  it('reaches a low RMSE on a planted problem with 2 threads (both kernels)', async () => {
    const mean = evaluateRatings({ ...(await fitModel('svd', planted.train, { ...quick, epochs: 1, dim: 4, lr: 1e-9 })).factors }, planted.test).rmse;
    for (const kernel of ['wasm', 'js'] as const) {
      const fit = await fitModel('svd', planted.train, { ...quick, kernel }, { seed: 3, threads: 2, test: planted.test });
      const { rmse } = evaluateRatings(fit.factors, planted.test);
      expect(rmse).toBeLessThan(0.2);
      expect(rmse).toBeLessThan(mean / 4);
      expect(fit.curve.at(-1)!.batchError).toBeLessThan(fit.curve[0]!.batchError);
      expect(fit.factors.P).toHaveLength(planted.train.userIds.size * 8);
    }
  });

  it('the momentum optimizer (the PoC) also learns the planted problem', async () => {
    const fit = await fitModel('svd', planted.train, { dim: 8, optimizer: 'momentum', batch: 200, lr: 0.5, momentum: 0.9, reg: 0.01, epochs: 30, patience: 100 }, { seed: 3, test: planted.test });
    expect(fit.curve).toHaveLength(30);
    expect(fit.curve[1]!.step).toBe(2 * Math.ceil(planted.train.size / 200));
    expect(evaluateRatings(fit.factors, planted.test).rmse).toBeLessThan(0.3);
    const stepped = await fitModel('svd', planted.train, { dim: 8, optimizer: 'momentum', batch: 200, steps: 50 }, { seed: 3 });
    expect(stepped.curve.at(-1)!.step).toBe(50);
    // The PoC's -b/-s alone select its optimizer, and what it trained with is what is recorded.
    const poc = await fitModel('svd', planted.train, { dim: 8, batch: 200, steps: 50 }, { seed: 3 });
    expect(poc.resolvedParams).toMatchObject({ optimizer: 'momentum', lr: 0.5, batch: 200, steps: 50 });
    expect(Array.from(poc.factors.Q)).toEqual(Array.from(stepped.factors.Q));
  });

  it('early stopping returns the best epoch, not the last', async () => {
    // Few ratings per user, many factors, no regularisation: the test error turns up soon.
    const small = plantedRatings({ users: 80, items: 60, perUser: 8, noise: 0.5, seed: 2 });
    const fit = await fitModel('svd', small.train, { dim: 32, lr: 0.05, reg: 0, regBias: 0, epochs: 200, patience: 3 }, { seed: 1, test: small.test });
    expect(fit.stoppedBy).toBe('early-stopping');
    const best = Math.min(...fit.curve.map((p) => p.testError));
    const bestAt = fit.curve.findIndex((p) => p.testError === best);
    expect(bestAt).toBe(fit.curve.length - 4);
    expect(fit.curve[bestAt]!.best).toBe(true);
    expect(fit.curve.at(-1)!.best).toBe(false);
    expect(evaluateRatings(fit.factors, small.test).rmse).toBeCloseTo(best, 5);
  });

  it('stops at the deadline and returns the best so far', async () => {
    const big = plantedRatings({ users: 2000, items: 300, perUser: 40 });
    const started = Date.now();
    const fit = await fitModel('svd', big.train, { dim: 16, epochs: 100000, patience: 100000 }, { seed: 1, test: big.test, deadline: started + 300 });
    expect(fit.stoppedBy).toBe('deadline');
    expect(fit.curve.length).toBeLessThan(100000);
    expect(fit.curve.length).toBeGreaterThan(0);
    expect(evaluateRatings(fit.factors, big.test).rmse).toBeCloseTo(Math.min(...fit.curve.map((p) => p.testError)), 5);
  });

  it('reports progress with the documented fields', async () => {
    const seen: number[] = [];
    await fitModel('svd', planted.train, { ...quick, epochs: 3 }, { onProgress: (p) => seen.push(p.epoch), test: planted.test });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('rejects bad params with a clear message', async () => {
    await expect(fitModel('svd', planted.train, { dim: 0 })).rejects.toThrow(/svd params: dim/);
    await expect(fitModel('svd', planted.train, { bogus: 1 })).rejects.toThrow(/svd params: .*bogus/);
    await expect(fitModel('svd', planted.train, { dim: 6, kernel: 'wasm' })).rejects.toThrow(/multiple of 4/);
  });
});
