/**
 * Baseline predictor (Koren 2010, §2.1; Surprise's BaselineOnly with method 'als'):
 *
 *   r̂(u, i) = mu + b_u + b_i
 *
 * minimising Σ (r - mu - b_u - b_i)² + reg_user·Σ b_u² + reg_item·Σ b_i² by alternating
 * least squares: each epoch first solves every item bias with the user biases fixed,
 *   b_i = Σ_{u ∈ R(i)} (r_ui - mu - b_u) / (reg_item + |R(i)|),
 * then every user bias with the item biases fixed,
 *   b_u = Σ_{i ∈ R(u)} (r_ui - mu - b_i) / (reg_user + |R(u)|).
 *
 * Defaults (Surprise's): epochs 10, regUser 15, regItem 10. Factors: dim 0, no P,
 * Q empty, biases in userBias/itemBias; scoring 'rating' (predictions clip to the scale).
 * A user or item without training ratings keeps bias 0.
 */
import * as z from 'zod';
import { meanRating, nItems, nUsers, type Dataset } from '../../data/dataset';
import type { Factors } from '../../math/factors';
import { evaluateRatings } from '../../math/rating-error';
import type { FitOptions, FitResult, Progress, TrainingPart } from '../contract';
import { resolver } from '../params';

export interface BaselineParams {
  epochs: number;
  regUser: number;
  regItem: number;
}

export const BaselineParamsSchema = z
  .object({
  epochs: z.number().int().min(1).max(1000),
  regUser: z.number().nonnegative().finite(),
  regItem: z.number().nonnegative().finite(),
  })
  .strict();

const defaults: Readonly<BaselineParams> = Object.freeze({ epochs: 10, regUser: 15, regItem: 10 });

async function fit(train: Dataset, params: BaselineParams, options: FitOptions = {}): Promise<FitResult<BaselineParams>> {
  if (train.size === 0) throw new RangeError(`baseline: the training set "${train.name}" has no ratings`);
  const started = Date.now();
  const nU = nUsers(train);
  const nI = nItems(train);
  const mu = meanRating(train);
  const userBias = new Float32Array(nU);
  const itemBias = new Float32Array(nI);
  const userCount = new Float64Array(nU);
  const itemCount = new Float64Array(nI);
  for (let r = 0; r < train.size; r++) {
    userCount[train.users[r]!]!++;
    itemCount[train.items[r]!]!++;
  }
  const sum = new Float64Array(Math.max(nU, nI));
  const factors: Factors = {
    kind: 'baseline',
    scoring: 'rating',
    dim: 0,
    nUsers: nU,
    nItems: nI,
    mu,
    scale: train.scale,
    userBias,
    itemBias,
    Q: new Float32Array(0),
    foldIn: { regUser: params.regUser },
  };

  const curve: Progress[] = [];
  let bestTest = Infinity;
  let stoppedBy: string | undefined;
  for (let epoch = 1; epoch <= params.epochs; epoch++) {
    solveBiases(train.items, train.users, train.ratings, train.size, mu, userBias, itemBias, itemCount, params.regItem, sum);
    solveBiases(train.users, train.items, train.ratings, train.size, mu, itemBias, userBias, userCount, params.regUser, sum);

    const trainError = evaluateRatings(factors, train).rmse;
    // Without a test set the curve reports the training error in both columns.
    const testError = options.test ? evaluateRatings(factors, options.test).rmse : trainError;
    const best = testError < bestTest;
    if (best) bestTest = testError;
    const point: Progress = { epoch, step: epoch, batchError: trainError, testError, elapsedMs: Date.now() - started, best };
    curve.push(point);
    options.onProgress?.(point);
    if (options.deadline !== undefined && Date.now() > options.deadline && epoch < params.epochs) {
      stoppedBy = 'deadline';
      break;
    }
  }
  return { factors, resolvedParams: params, curve, ...(stoppedBy ? { stoppedBy } : {}) };
}

/**
 * One half-epoch: for every row (item or user) set its bias to the regularised mean of
 * r - mu - otherBias[col] over its ratings. `sum` is scratch space at least rows long.
 */
function solveBiases(
  rows: Int32Array,
  cols: Int32Array,
  ratings: Float32Array,
  size: number,
  mu: number,
  otherBias: Float32Array,
  bias: Float32Array,
  count: Float64Array,
  reg: number,
  sum: Float64Array,
): void {
  const n = bias.length;
  sum.fill(0, 0, n);
  for (let r = 0; r < size; r++) sum[rows[r]!]! += ratings[r]! - mu - otherBias[cols[r]!]!;
  for (let x = 0; x < n; x++) {
    const denominator = reg + count[x]!;
    bias[x] = denominator > 0 ? sum[x]! / denominator : 0;
  }
}

export const baselineTraining: TrainingPart<typeof BaselineParamsSchema> = {
  kind: 'baseline',
  schema: BaselineParamsSchema,
  defaults,
  resolve: resolver('baseline', BaselineParamsSchema, defaults),
  stopsEarly: () => false,
  tuning: { metric: 'rmse', grid: { regUser: [5, 15, 25], regItem: [5, 10, 25] } },
  feedback: ['explicit'],
  fit,
};
