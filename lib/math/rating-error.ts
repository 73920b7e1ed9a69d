import type { Dataset } from '../data/dataset';
import type { Factors } from './factors';
import { clip, predictRating } from './scoring';

/**
 * RMSE and MAE of the factors' rating predictions over every rating in `data`:
 * r̂ = mu + b_u + b_i + P[u]·Q[i] computed by the service's own predictRating, then
 * clipped to the scale (also for 'ranking' models, whose raw scores are no ratings).
 * `data` must use the training set's indices (a split of the same data set).
 * Streams over the ratings: no prediction array is allocated. NaN for empty data.
 */
export function evaluateRatings(factors: Factors, data: Dataset): { rmse: number; mae: number } {
  let se = 0;
  let ae = 0;
  for (let r = 0; r < data.size; r++) {
    const e = clip(predictRating(factors, data.users[r]!, data.items[r]!), factors.scale) - data.ratings[r]!;
    se += e * e;
    ae += Math.abs(e);
  }
  return { rmse: Math.sqrt(se / data.size), mae: ae / data.size };
}
