import { describe, expect, it } from 'vitest';
import { evaluateRatings, mae, rmse } from '../../lib/eval/rating';
import type { Factors } from '../../lib/math/factors';
import { tinyDataset } from './tiny';

describe('rmse / mae', () => {
  it('match hand-computed values', () => {
    // errors 1, -2, 0, 1
    expect(rmse([4, 1, 3, 5], [3, 3, 3, 4])).toBeCloseTo(Math.sqrt(6 / 4), 12);
    expect(mae([4, 1, 3, 5], [3, 3, 3, 4])).toBeCloseTo(1, 12);
  });

  it('reject arrays of different lengths', () => {
    expect(() => rmse([1, 2], [1])).toThrow(/lengths differ/);
  });
});

describe('evaluateRatings', () => {
  const data = tinyDataset(
    [
      [0, 0, 5],
      [0, 1, 1],
      [1, 0, 3],
    ],
    2,
    2,
  );
  const factors: Factors = {
    kind: 'svd',
    scoring: 'rating',
    dim: 2,
    nUsers: 2,
    nItems: 2,
    mu: 3,
    scale: { min: 1, max: 5 },
    userBias: new Float32Array([0.5, -0.5]),
    itemBias: new Float32Array([1, -1]),
    P: new Float32Array([1, 2, 0.5, 0]),
    Q: new Float32Array([1, 1, -2, 1]),
  };

  it('predicts mu + biases + P·Q, clipped to the scale', () => {
    // (0,0): 3+0.5+1+3 = 7.5 -> 5, err 0; (0,1): 3+0.5-1+0 = 2.5, err 1.5; (1,0): 3-0.5+1+0.5 = 4, err 1
    const m = evaluateRatings(factors, data);
    expect(m.rmse).toBeCloseTo(Math.sqrt((0 + 2.25 + 1) / 3), 6);
    expect(m.mae).toBeCloseTo(2.5 / 3, 6);
  });

  it('clips ranking-model scores too', () => {
    const m = evaluateRatings({ ...factors, scoring: 'ranking', mu: 100 }, data);
    // every prediction clips to 5: errors 0, 4, 2
    expect(m.rmse).toBeCloseTo(Math.sqrt(20 / 3), 6);
  });
});
