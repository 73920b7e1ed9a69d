import { describe, expect, it } from 'vitest';
import { evaluateRanking } from '../../lib/eval/ranking';
import { evaluateRatings } from '../../lib/eval/rating';
import { getModel } from '../../lib/models/registry';
import { fitModel } from '../helpers/fit';
import { part, tinyDataset } from '../eval/tiny';

describe('popularity', () => {
  // item 2: 3 ratings, item 0: 2, item 3: 1, item 1: none
  const data = tinyDataset(
    [
      [0, 2, 5],
      [1, 2, 4],
      [2, 2, 3],
      [0, 0, 2],
      [1, 0, 1],
      [2, 3, 5],
    ],
    3,
    4,
  );

  it('scores items by their number of training ratings, for every user alike', async () => {
    const { factors } = await fitModel('popularity', data, {});
    expect(factors).toMatchObject({ kind: 'popularity', scoring: 'ranking', dim: 0, mu: 0 });
    expect(Array.from(factors.itemBias!)).toEqual([2, 0, 3, 1]);
    expect(factors.userBias).toBeUndefined();
  });

  it('recommends the most rated unseen items in order', async () => {
    const train = part(data, [0, 1, 2, 3, 4]);
    const { factors } = await fitModel('popularity', train, {});
    // user 2 rated item 2 in train: list is [0 (2 ratings), then 1 or 3 (0 each; lower index first)]
    const test = part(data, [5]);
    const m = evaluateRanking(factors, train, test, 1);
    expect(m.users).toBe(1);
    expect(m['precision@1']).toBe(0); // item 0 is recommended, the user's test item is 3
    expect(evaluateRanking(factors, train, test, 3)['recall@3']).toBe(1);
  });

  it('predicts ratings as item means shrunk to the global mean', async () => {
    const result = await fitModel('popularity', data, { shrinkage: 2 });
    const r = result.ratingFactors!;
    const mu = 20 / 6;
    expect(r.scoring).toBe('rating');
    expect(r.mu).toBeCloseTo(mu, 6);
    // item 2: (5 + 4 + 3 - 3 mu) / (2 + 3); item 1 has no ratings: 0
    expect(r.itemBias![2]).toBeCloseTo((12 - 3 * mu) / 5, 6);
    expect(r.itemBias![1]).toBe(0);
    const noShrink = await fitModel('popularity', data, { shrinkage: 0 });
    // without shrinkage the prediction is the item's plain mean
    expect(r.mu + noShrink.ratingFactors!.itemBias![0]!).toBeCloseTo(1.5, 6);
    expect(evaluateRatings(noShrink.ratingFactors!, data).rmse).toBeLessThan(evaluateRatings(r, data).rmse);
  });

  it('rejects bad parameters', async () => {
    await expect(fitModel('popularity', data, { shrinkage: -1 })).rejects.toThrow(/popularity params: shrinkage/);
  });

  it('is registered', () => {
    expect(getModel('popularity').training.kind).toBe('popularity');
    expect(getModel('popularity').serving.personal).toBe(false);
  });
});
