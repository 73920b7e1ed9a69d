import { describe, expect, it } from 'vitest';
import { evaluateRatings } from '../../lib/eval/rating';
import { getModel } from '../../lib/models/registry';
import { FoldInError, type Progress } from '../../lib/models/contract';
import { fitModel } from '../helpers/fit';
import { part, tinyDataset } from '../eval/tiny';

describe('baseline (biases by alternating least squares)', () => {
  const data = tinyDataset(
    [
      [0, 0, 5],
      [0, 1, 3],
      [1, 0, 4],
    ],
    2,
    2,
  );

  it('matches a hand-solved epoch: items first, then users', async () => {
    const { factors } = await fitModel('baseline', data, { epochs: 1, regUser: 1, regItem: 1 });
    // mu = 4; b_i0 = (1 + 0) / (1 + 2), b_i1 = -1 / (1 + 1)
    // b_u0 = ((5-4-1/3) + (3-4+1/2)) / (1 + 2) = 1/18, b_u1 = (4-4-1/3) / (1 + 1) = -1/6
    expect(factors.mu).toBeCloseTo(4, 6);
    expect(Array.from(factors.itemBias!)).toEqual([expect.closeTo(1 / 3, 6), expect.closeTo(-0.5, 6)]);
    expect(Array.from(factors.userBias!)).toEqual([expect.closeTo(1 / 18, 6), expect.closeTo(-1 / 6, 6)]);
    expect(factors).toMatchObject({ kind: 'baseline', scoring: 'rating', dim: 0, nUsers: 2, nItems: 2 });
    expect(factors.Q.length).toBe(0);
  });

  it('recovers additive data without regularisation', async () => {
    const userEffect = [0.5, -0.25, 0, 0.75];
    const itemEffect = [0.3, -0.6, 0.1];
    const triples: [number, number, number][] = [];
    for (let u = 0; u < 4; u++) for (let i = 0; i < 3; i++) if ((u + i) % 4 !== 3) triples.push([u, i, 3 + userEffect[u]! + itemEffect[i]!]);
    const additive = tinyDataset(triples, 4, 3);
    const { factors, curve } = await fitModel('baseline', additive, { epochs: 200, regUser: 0, regItem: 0 });
    expect(evaluateRatings(factors, additive).rmse).toBeLessThan(1e-4);
    expect(curve).toHaveLength(200);
    expect(curve[199]!.batchError).toBeLessThan(curve[0]!.batchError);
  });

  it('reports each epoch with the test error and marks improvements', async () => {
    const train = part(data, [0, 1]);
    const test = part(data, [2]);
    const seen: Progress[] = [];
    const { curve } = await fitModel('baseline', train, { epochs: 3 }, { test, onProgress: (p) => seen.push(p) });
    expect(seen).toEqual(curve);
    expect(curve.map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(curve[0]!.best).toBe(true);
    expect(curve[0]!.testError).toBeCloseTo(evaluateRatings({ ...(await fitModel('baseline', train, { epochs: 1 })).factors }, test).rmse, 6);
  });

  it('rejects bad parameters and empty training data with a clear error', async () => {
    await expect(fitModel('baseline', data, { epochs: 0 })).rejects.toThrow(/baseline params: epochs/);
    await expect(fitModel('baseline', data, { regUser: -1 })).rejects.toThrow(/regUser/);
    await expect(fitModel('baseline', part(data, []), {})).rejects.toThrow(/no ratings/);
  });

  it('is registered', () => {
    expect(getModel('baseline').training.kind).toBe('baseline');
    expect(getModel('baseline').serving.kind).toBe('baseline');
  });

  it("folds in a visitor with the recorded regUser, from foldIn or (older models) the training params", async () => {
    const { factors } = await fitModel('baseline', tinyDataset([[0, 0, 5], [1, 0, 3], [1, 1, 1]], 2, 2), { regUser: 2 });
    const { serving } = getModel('baseline');
    const items = Int32Array.of(0, 1);
    const ratings = Float32Array.of(4, 2);
    const fromFoldIn = serving.open(factors).foldIn(items, ratings).bias;
    const { foldIn: _dropped, ...old } = factors;
    expect(serving.open({ ...old, params: { regUser: 2 } }).foldIn(items, ratings).bias).toBe(fromFoldIn);
    const expected = (4 - factors.mu - factors.itemBias![0]! + 2 - factors.mu - factors.itemBias![1]!) / (2 + 2);
    expect(fromFoldIn).toBeCloseTo(expected, 6);
    expect(() => serving.open(old).foldIn(items, ratings)).toThrow(FoldInError);
  });
});
