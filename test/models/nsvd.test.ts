import { describe, expect, it } from 'vitest';
import { evaluateRatings } from '../../lib/eval/rating';
import { fitModel } from '../helpers/fit';
import { nsvdSizeRule, nsvdUserVector } from '../../lib/models/nsvd/user-vector';
import { meanRating, sliceDataset } from '../../lib/data/dataset';
import { createRng } from '../../lib/data/random';
import { plantedRatings, tinyDataset } from './svd-fixtures';

describe('nsvdUserVector', () => {
  const Y = Float32Array.of(1, 2, 3, 4, 5, 6); // 3 items x dim 2
  it('is n(u) times the sum of the rated items Y rows', () => {
    const out = nsvdUserVector(Y, 2, Int32Array.of(0, 2), { size: 'max', cap: 0 }, new Float32Array(2));
    expect(out[0]).toBeCloseTo((1 + 5) / Math.SQRT2, 6);
    expect(out[1]).toBeCloseTo((2 + 6) / Math.SQRT2, 6);
  });
  it('uses only the first `cap` items under a capped size rule, all of them otherwise, zeros for none', () => {
    const capped = nsvdUserVector(Y, 2, Int32Array.of(2, 0, 1), { size: 'mean', cap: 1 }, new Float32Array(2));
    expect(Array.from(capped)).toEqual([5, 6]);
    const all = nsvdUserVector(Y, 2, Int32Array.of(1), { size: 'max', cap: 0 }, new Float32Array(2));
    expect(Array.from(all)).toEqual([3, 4]);
    expect(Array.from(nsvdUserVector(Y, 2, new Int32Array(0), { size: 'max', cap: 0 }, Float32Array.of(9, 9)))).toEqual([0, 0]);
  });
  it('reads the size rule from foldIn and rejects unknown rules', () => {
    expect(nsvdSizeRule({ size: 'min', cap: 4 })).toEqual({ size: 'min', cap: 4 });
    expect(nsvdSizeRule(undefined)).toEqual({ size: 'max', cap: 0 });
    expect(() => nsvdSizeRule({ size: 'huge' })).toThrow(/unknown NSVD size rule/);
  });
});

describe('nsvd', () => {
  const planted = plantedRatings({ users: 300, items: 150, perUser: 30, seed: 4 });
  const quick = { dim: 8, epochs: 30, lr: 0.02, reg: 0.01, patience: 100 };

  it('learns tastes from which items users rated, deterministically', async () => {
    // Two camps: a user mostly rates the own camp's movies (5 stars) and a few of the
    // other camp's (1 star). Item biases cannot tell, the rated set can (NSVD's point).
    const rng = createRng(8);
    const rows: Array<[number, number, number]> = [];
    for (let u = 0; u < 200; u++) {
      const camp = u % 2;
      for (let k = 0; k < 20; k++) {
        const own = k < 15;
        const item = 2 * rng.nextInt(50) + (own ? camp : 1 - camp);
        rows.push([u, item, own ? 5 : 1]);
      }
    }
    for (let k = rows.length - 1; k > 0; k--) {
      const j = rng.nextInt(k + 1);
      [rows[k], rows[j]] = [rows[j]!, rows[k]!];
    }
    const all = tinyDataset(rows);
    const cut = Math.floor(all.size * 0.9);
    const train = sliceDataset(all, 0, cut);
    const test = sliceDataset(all, cut, all.size);
    const params = { dim: 4, epochs: 40, lr: 0.02, reg: 0.01, patience: 100 };
    const a = await fitModel('nsvd', train, params, { seed: 5, test });
    const b = await fitModel('nsvd', train, params, { seed: 5, test });
    expect(Array.from(a.factors.Y!)).toEqual(Array.from(b.factors.Y!));
    const mean = meanRating(train);
    let sse = 0;
    for (let r = 0; r < test.size; r++) sse += (test.ratings[r]! - mean) ** 2;
    const { rmse } = evaluateRatings(a.factors, test);
    expect(rmse).toBeLessThan(0.5 * Math.sqrt(sse / test.size));
    expect(a.factors.kind).toBe('nsvd');
    expect(a.factors.foldIn).toMatchObject({ size: 'max', cap: 0 });
  });

  it('materialises P from Y exactly as nsvdUserVector would (size max)', async () => {
    const fit = await fitModel('nsvd', planted.train, { ...quick, epochs: 3 }, { seed: 5 });
    const { P, Y, dim } = fit.factors;
    const rated = new Map<number, number[]>();
    for (let r = 0; r < planted.train.size; r++) {
      const u = planted.train.users[r]!;
      rated.set(u, [...(rated.get(u) ?? []), planted.train.items[r]!]);
    }
    const out = new Float32Array(dim);
    for (const u of [0, 1, 17]) {
      nsvdUserVector(Y!, dim, Int32Array.from(rated.get(u)!), nsvdSizeRule(fit.factors.foldIn), out);
      for (let d = 0; d < dim; d++) expect(P![u * dim + d]).toBeCloseTo(out[d]!, 5);
    }
  });

  it('caps S(u) at the min / mean ratings per user', async () => {
    const min = await fitModel('nsvd', planted.train, { ...quick, epochs: 1, size: 'min' }, { seed: 5 });
    const counts = new Map<number, number>();
    for (let r = 0; r < planted.train.size; r++) counts.set(planted.train.users[r]!, (counts.get(planted.train.users[r]!) ?? 0) + 1);
    expect(min.factors.foldIn).toMatchObject({ size: 'min', cap: Math.min(...counts.values()) });
    const mean = await fitModel('nsvd', planted.train, { ...quick, epochs: 1, size: 'mean' }, { seed: 5 });
    expect(mean.factors.foldIn).toMatchObject({ size: 'mean', cap: Math.round(planted.train.size / counts.size) });
  });

  it('the WebAssembly and JS kernels train the same model', async () => {
    const wasm = await fitModel('nsvd', planted.train, { ...quick, epochs: 5, kernel: 'wasm' }, { seed: 5, test: planted.test });
    const js = await fitModel('nsvd', planted.train, { ...quick, epochs: 5, kernel: 'js' }, { seed: 5, test: planted.test });
    for (const [k, point] of wasm.curve.entries()) expect(point.testError).toBeCloseTo(js.curve[k]!.testError, 4);
    for (let k = 0; k < 50; k++) expect(wasm.factors.Y![k]).toBeCloseTo(js.factors.Y![k]!, 4);
    await expect(fitModel('nsvd', planted.train, { dim: 6, kernel: 'wasm' })).rejects.toThrow(/multiple of 4/);
  });

  it('rejects unknown params and bad optimizer settings', async () => {
    await expect(fitModel('nsvd', planted.train, { optimizer: 'adam' })).rejects.toThrow(/nsvd params: optimizer/);
    await expect(fitModel('nsvd', planted.train, { grid: 4 })).rejects.toThrow(/nsvd params: .*grid/);
    await expect(fitModel('nsvd', planted.train, { batch: 0 })).rejects.toThrow(/nsvd params: batch/);
  });

  it("trains with the PoC's minibatch optimizer (-b/-s/-m), recording it and its learning rate", async () => {
    const meanOnly = evaluateRatings({ ...(await fitModel('nsvd', planted.train, { ...quick, epochs: 1, lr: 1e-9 })).factors }, planted.test).rmse;
    const params = { dim: 8, batch: 200, steps: 2000, reg: 0.01, patience: 100 };
    const fit = await fitModel('nsvd', planted.train, params, { seed: 5, test: planted.test });
    expect(fit.resolvedParams).toMatchObject({ optimizer: 'momentum', lr: 0.5, batch: 200, steps: 2000, momentum: 0.9 });
    expect(fit.curve.at(-1)!.step).toBe(2000);
    expect(evaluateRatings(fit.factors, planted.test).rmse).toBeLessThan(meanOnly * 0.9);
    const again = await fitModel('nsvd', planted.train, params, { seed: 5, test: planted.test });
    expect(Array.from(again.factors.Y!)).toEqual(Array.from(fit.factors.Y!));
  });
});
