/**
 * Most-popular recommender: every user gets the same list, items ordered by their
 * number of training ratings,
 *
 *   score(u, i) = |R(i)|            (factors: mu 0, itemBias = counts, dim 0, Q empty)
 *
 * scoring 'ranking' (scores only order items). For rating metrics (RMSE rows of the
 * accuracy benchmark) the fit also returns `ratingFactors`, which predict the item's
 * mean rating shrunk towards the global mean:
 *
 *   r̂(u, i) = mu + Σ_{R(i)} (r - mu) / (shrinkage + |R(i)|)
 *
 * Defaults: shrinkage 10 (as if every item had 10 extra ratings at the global mean).
 */
import * as z from 'zod';
import { meanRating, nItems, nUsers, type Dataset } from '../../data/dataset';
import type { Factors } from '../../math/factors';
import { evaluateRatings } from '../../math/rating-error';
import type { FitOptions, FitResult, TrainingPart } from '../contract';
import { resolver } from '../params';

export interface PopularityParams {
  shrinkage: number;
}

export const PopularityParamsSchema = z.object({ shrinkage: z.number().nonnegative().finite() }).strict();

const defaults: Readonly<PopularityParams> = Object.freeze({ shrinkage: 10 });

/** A popularity fit: the ranking factors, plus shrunk item means (ratingFactors) for rating metrics. */
async function fit(train: Dataset, params: PopularityParams, options: FitOptions = {}): Promise<FitResult<PopularityParams>> {
  const { shrinkage } = params;
  if (train.size === 0) throw new RangeError(`popularity: the training set "${train.name}" has no ratings`);
  const started = Date.now();
  const nI = nItems(train);
  const mu = meanRating(train);
  const counts = new Float32Array(nI);
  const deviation = new Float64Array(nI);
  for (let r = 0; r < train.size; r++) {
    const i = train.items[r]!;
    counts[i]!++;
    deviation[i]! += train.ratings[r]! - mu;
  }
  const shrunk = new Float32Array(nI);
  for (let i = 0; i < nI; i++) {
    const denominator = shrinkage + counts[i]!;
    shrunk[i] = denominator > 0 ? deviation[i]! / denominator : 0;
  }

  const common = { dim: 0, nUsers: nUsers(train), nItems: nI, scale: train.scale, Q: new Float32Array(0) };
  const factors: Factors = { kind: 'popularity', scoring: 'ranking', mu: 0, itemBias: counts, ...common };
  const ratingFactors: Factors = { kind: 'popularity', scoring: 'rating', mu, itemBias: shrunk, ...common };

  const trainError = evaluateRatings(ratingFactors, train).rmse;
  const testError = options.test ? evaluateRatings(ratingFactors, options.test).rmse : trainError;
  const point = { epoch: 1, step: 1, batchError: trainError, testError, elapsedMs: Date.now() - started, best: true };
  options.onProgress?.(point);
  return { factors, resolvedParams: params, ratingFactors, curve: [point] };
}

export const popularityTraining: TrainingPart<typeof PopularityParamsSchema> = {
  kind: 'popularity',
  schema: PopularityParamsSchema,
  defaults,
  resolve: resolver('popularity', PopularityParamsSchema, defaults),
  stopsEarly: () => false,
  tuning: { metric: 'rmse', grid: { shrinkage: [0, 5, 10, 25, 50] } },
  feedback: ['explicit', 'implicit'],
  fit,
};
