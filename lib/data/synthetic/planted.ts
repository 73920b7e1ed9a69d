/**
 * The planted model: ratings drawn from a hidden low-rank model, so a good
 * matrix-factorisation model has something to find and we know the best it can do.
 *
 *   score(u, i)  = MU + b_u + b_i + p_u . q_i
 *   rating(u, i) = clip(round(score(u, i) + noise * z), 1, 5),   z ~ N(0, 1)
 *
 *   b_u ~ N(0, USER_BIAS_STD^2), b_i ~ N(0, ITEM_BIAS_STD^2),
 *   p_u, q_i ~ N(0, s^2 I_dim) with s = (FACTOR_STD^2 / dim)^(1/4), so p.q has std FACTOR_STD
 *   whatever the rank. Signal variance 0.3^2 + 0.3^2 + 0.5^2 = 0.43 clearly dominates the
 *   default noise (0.3^2 = 0.09, plus about 1/12 from rounding). MU sits in the middle
 *   of the scale and the spread is moderate so few scores need clipping: a clipped score
 *   is something no linear model fits, and it would put a floor above the best RMSE.
 *
 * How close a model can get: each strong dimension (and the user bias) costs about
 * noise^2 / (training ratings per user) of MSE, so reaching within 5% of the best RMSE
 * takes about 20 training ratings per user per dimension. Measured with a throwaway
 * biased ALS (80% train, 20 sweeps, lambda 0.4) on 10,000 users x 1,000 movies x 50 per
 * user: rank 2 gets within 4.5%, rank 3 within 7%, rank 8 within 15% (and within 4.5% at
 * 150 ratings per user). Those figures are for choice by popularity alone (taste 0).
 * Choice by taste makes the rating task harder for a model that learns the factors too
 * (a user's rated movies are the ones aligned with p_u, so much of p_u . q_i turns into
 * what looks like user and item bias, and less interaction is left to learn): on
 * DEFAULT_SYNTHETIC (rank 2), holdout, SVD with dim 2 and reg 0.02 gets within 4.9% at
 * taste 0 and 7.4% at taste 4; SVD's defaults (dim 200, reg 0.09) 9.3% and 14%, the
 * latter barely better than biases alone. Knowing Q and b_i, a per-user fit of b_u and
 * p_u still gets within 4% whatever the taste.
 *
 * Which movies a user rates: popularity AND taste. Movie popularity w_i is
 * Zipf(ZIPF_EXPONENT) over a random order of the movies. User u's movies are distinct,
 * drawn one after another without replacement with probability
 *
 *   P(u picks i)  ∝  w_i * sigmoid(taste * (z_ui - TASTE_THRESHOLD))
 *   z_ui = p_u . q_i / (s * |p_u|)
 *
 * z_ui is movie i's affinity for u in units of its spread over the movies (q_i ~ N(0, s^2 I),
 * so z_ui ~ N(0, 1) across movies for every user): users mostly watch movies at least
 * TASTE_THRESHOLD = 1 std to their liking (about a sixth of the catalogue), the popular
 * ones first. It is the direction of p_u that steers the choice, so a user with mild
 * rating preferences (small |p_u|) still picks by taste. Only the interaction steers it:
 * b_i would just be more popularity. `taste` (spec.taste, default PLANTED_DEFAULTS.taste
 * = 4) is the sharpness: at 4 a movie 1 std below the threshold is kept 1.8% of the time
 * and 1 std above 98%. taste = 0 is popularity alone and draws exactly the random
 * numbers the generator drew before taste existed.
 *
 * Sampling, by rejection: draw i from the popularity alias table, redraw if u already
 * has it, keep it with probability sigmoid(taste * (z_ui - TASTE_THRESHOLD)) (one more
 * uniform), else redraw. O(dim) per draw, no table per user, no O(users x movies) work;
 * about 10 draws per rating at the default (a sixth of the popularity mass is liked,
 * and the liked popular movies get used up): 30M ratings (1M users x 1,000 movies x 30,
 * rank 8) take about 23 s in memory against 3 s at taste 0. Users rating more than a
 * quarter of the catalogue, and any user still short after MAX_DRAWS_PER_RATING
 * (generator.ts) draws per rating, get the same law exactly by Efraimidis-Spirakis over
 * all movies (O(movies * dim) for those few users).
 *
 * Choice is not independent of the ratings: users mostly rate what they like, as in
 * real data, so ratings skew above MU (mean about 3.5 at the default, against 3.0), their
 * spread narrows (std 0.70 against 0.76) and popularity flattens a little (the top 10%
 * of 1,000 movies get 37-40% of the ratings against 46-48%). What it buys: on
 * 5,000 users x 1,000 movies x 40 (rank 2, stratified 25%), iALS's recall@10 is 0.273
 * against popularity's 0.161 (0.265 against 0.280 at taste 0 on 2,000 x 500).
 *
 * User activity is log-normal with mean `perUser` (sigma ACTIVITY_SIGMA), clamped to
 * [max(1, round(perUser / 5)), movies]. The best RMSE any model can reach is that of
 * clip(score, 1, 5) (no noise, no rounding) against the ratings written.
 */
import type { Rng } from '../random';
import { AliasSampler } from './alias';
import type { ResolvedSyntheticSpec } from './spec';

export const MU = 3.0;
export const USER_BIAS_STD = 0.3;
export const ITEM_BIAS_STD = 0.3;
export const FACTOR_STD = 0.5;
export const ZIPF_EXPONENT = 0.9;
export const ACTIVITY_SIGMA = 0.8;
/** Affinity (in stds of z_ui) where a movie is as likely kept as not; see the top. */
export const TASTE_THRESHOLD = 1;

export interface PlantedItems {
  /** Item factors, movies x dim, row-major (row m-1 is movie m). */
  Q: Float64Array;
  itemBias: Float64Array;
  /** Draws a movie index 0..movies-1 by popularity. */
  popularity: AliasSampler;
  /** Each movie's popularity weight (for exact weighted sampling of heavy users). */
  weights: Float64Array;
  /** Per-dimension std of p and q. */
  factorStd: number;
}

/** Item side of the planted model. Draw order is fixed: popularity order, then Q, then b_i. */
export function drawPlantedItems(spec: ResolvedSyntheticSpec, rng: Rng): PlantedItems {
  const { movies, dim } = spec;
  const order = new Int32Array(movies);
  for (let m = 0; m < movies; m++) order[m] = m;
  for (let m = movies - 1; m > 0; m--) {
    const j = rng.nextInt(m + 1);
    const t = order[m]!;
    order[m] = order[j]!;
    order[j] = t;
  }
  const weights = new Float64Array(movies);
  for (let rank = 0; rank < movies; rank++) weights[order[rank]!] = Math.pow(rank + 1, -ZIPF_EXPONENT);

  const factorStd = Math.pow((FACTOR_STD * FACTOR_STD) / dim, 0.25);
  const Q = new Float64Array(movies * dim);
  for (let k = 0; k < Q.length; k++) Q[k] = factorStd * rng.nextGaussian();
  const itemBias = new Float64Array(movies);
  for (let m = 0; m < movies; m++) itemBias[m] = ITEM_BIAS_STD * rng.nextGaussian();
  return { Q, itemBias, popularity: new AliasSampler(weights), weights, factorStd };
}

/** log(sigmoid(x)), without overflow or underflow. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** Ratings per user: log-normal around perUser, long-tailed, clamped to [floor, movies]. */
export function drawActivity(spec: ResolvedSyntheticSpec, rng: Rng): Int32Array {
  const { users, movies, perUser } = spec;
  const counts = new Int32Array(users);
  const logMean = Math.log(perUser) - (ACTIVITY_SIGMA * ACTIVITY_SIGMA) / 2;
  const least = Math.max(1, Math.round(perUser / 5));
  for (let u = 0; u < users; u++) {
    const k = Math.round(Math.exp(logMean + ACTIVITY_SIGMA * rng.nextGaussian()));
    counts[u] = Math.min(movies, Math.max(least, k));
  }
  return counts;
}
