import { createRng, type Rng } from '../random';
import { drawActivity, drawPlantedItems, logSigmoid, MU, TASTE_THRESHOLD, USER_BIAS_STD, type PlantedItems } from './planted';
import { resolveSyntheticSpec, type ResolvedSyntheticSpec, type SyntheticSpec } from './spec';

/**
 * The one source of synthetic ratings, shared by the in-memory generator and the file
 * writer so that the same spec gives the same ratings either way. Ratings come user
 * by user (user 1 first), with 1-based external ids, into arrays the caller owns.
 *
 * One random stream, in a fixed order: (planted) item model, then per-user counts,
 * then each user's movies and ratings. Uniform: partial Fisher-Yates over a
 * persistent permutation gives each user `perUser` distinct movies in O(perUser).
 * Planted: distinct movies by popularity and taste, by rejection (or, for users rating
 * more than a quarter of the catalogue, Efraimidis-Spirakis weighted sampling without
 * replacement); see planted.ts.
 */
export interface SyntheticOptions {
  /** Planted: keep every user's hidden factor and bias (users x dim numbers) for `hidden`. */
  keepHidden?: boolean;
}

/** The planted model behind the ratings (external movie m is row m-1, user u row u-1). */
export interface PlantedHidden {
  dim: number;
  /** Item factors, movies x dim. */
  Q: Float64Array;
  itemBias: Float64Array;
  /** Popularity weights w_i. */
  weights: Float64Array;
  /** User factors of the users generated so far, users x dim. */
  P: Float64Array;
  userBias: Float64Array;
}

/** Rejection draws allowed per rating before a user falls back to exact weighted sampling. */
const MAX_DRAWS_PER_RATING = 64;

export class SyntheticRatings {
  readonly spec: ResolvedSyntheticSpec;
  /** Ratings per user, user u+1 at [u]. */
  readonly counts: Int32Array;
  readonly total: number;
  private readonly rng: Rng;
  private nextUser = 0;
  private squaredError = 0;
  private produced = 0;
  private readonly perm: Int32Array | undefined;
  private readonly items: PlantedItems | undefined;
  private readonly stamp: Int32Array | undefined;
  private readonly userFactor: Float64Array;
  /** Scratch for weightedWithoutReplacement. */
  private keys: Float64Array | undefined;
  private order: Int32Array | undefined;
  private readonly hiddenUsers: { P: Float64Array; userBias: Float64Array } | undefined;

  constructor(spec: SyntheticSpec, options: SyntheticOptions = {}) {
    this.spec = resolveSyntheticSpec(spec);
    const { users, movies, perUser, mode, dim } = this.spec;
    this.rng = createRng(this.spec.seed);
    this.userFactor = new Float64Array(dim);
    if (mode === 'uniform') {
      this.counts = new Int32Array(users).fill(perUser);
      this.perm = new Int32Array(movies);
      for (let m = 0; m < movies; m++) this.perm[m] = m + 1;
    } else {
      this.items = drawPlantedItems(this.spec, this.rng);
      this.counts = drawActivity(this.spec, this.rng);
      this.stamp = new Int32Array(movies);
      if (options.keepHidden) this.hiddenUsers = { P: new Float64Array(users * dim), userBias: new Float64Array(users) };
    }
    let total = 0;
    for (let u = 0; u < users; u++) total += this.counts[u]!;
    this.total = total;
  }

  get done(): boolean {
    return this.nextUser >= this.spec.users;
  }

  /** The largest number of ratings one user has (a buffer must hold at least that). */
  maxPerUser(): number {
    let max = 0;
    for (let u = 0; u < this.counts.length; u++) if (this.counts[u]! > max) max = this.counts[u]!;
    return max;
  }

  /** RMSE of the noiseless clipped scores against the ratings so far (planted only). */
  get bestRmse(): number | undefined {
    if (!this.items || this.produced === 0) return undefined;
    return Math.sqrt(this.squaredError / this.produced);
  }

  /** Planted with keepHidden: the hidden model (users not generated yet have zero rows). */
  get hidden(): PlantedHidden | undefined {
    if (!this.items || !this.hiddenUsers) return undefined;
    const { Q, itemBias, weights } = this.items;
    return { dim: this.spec.dim, Q, itemBias, weights, ...this.hiddenUsers };
  }

  /**
   * Writes the ratings of the next whole users into the arrays from index 0, as many
   * users as fit; returns the number of ratings written (0 when done).
   */
  fill(users: Int32Array, items: Int32Array, ratings: Float32Array): number {
    const room = Math.min(users.length, items.length, ratings.length);
    let n = 0;
    while (this.nextUser < this.spec.users) {
      const count = this.counts[this.nextUser]!;
      if (n + count > room) {
        if (n === 0) throw new RangeError(`buffer of ${room} ratings cannot hold user ${this.nextUser + 1}'s ${count}`);
        break;
      }
      const user = this.nextUser + 1;
      if (this.perm) this.uniformUser(count, items, ratings, n);
      else this.plantedUser(count, items, ratings, n);
      users.fill(user, n, n + count);
      n += count;
      this.nextUser++;
    }
    this.produced += n;
    return n;
  }

  private uniformUser(count: number, items: Int32Array, ratings: Float32Array, at: number): void {
    const perm = this.perm!;
    const rng = this.rng;
    const movies = perm.length;
    for (let j = 0; j < count; j++) {
      const k = j + rng.nextInt(movies - j);
      const movie = perm[k]!;
      perm[k] = perm[j]!;
      perm[j] = movie;
      items[at + j] = movie;
      ratings[at + j] = 1 + rng.nextInt(5);
    }
  }

  private plantedUser(count: number, items: Int32Array, ratings: Float32Array, at: number): void {
    const { Q, itemBias, popularity, factorStd } = this.items!;
    const { dim, noise, movies, taste } = this.spec;
    const rng = this.rng;
    const p = this.userFactor;
    for (let k = 0; k < dim; k++) p[k] = factorStd * rng.nextGaussian();
    const bu = USER_BIAS_STD * rng.nextGaussian();
    const base = MU + bu;
    if (this.hiddenUsers) {
      this.hiddenUsers.P.set(p, this.nextUser * dim);
      this.hiddenUsers.userBias[this.nextUser] = bu;
    }
    // z = p.q_i * zScale is movie i's affinity for u in units of its spread over movies.
    let norm2 = 0;
    for (let k = 0; k < dim; k++) norm2 += p[k]! * p[k]!;
    const zScale = taste > 0 && norm2 > 0 ? 1 / (factorStd * Math.sqrt(norm2)) : 0;

    if (count * 4 > movies || !this.byRejection(count, items, at, zScale)) this.weightedWithoutReplacement(count, items, at, zScale);

    let squaredError = 0;
    for (let j = 0; j < count; j++) {
      const m = items[at + j]! - 1;
      let score = base + itemBias[m]!;
      const row = m * dim;
      for (let k = 0; k < dim; k++) score += p[k]! * Q[row + k]!;
      const rating = Math.min(5, Math.max(1, Math.round(score + noise * rng.nextGaussian())));
      const best = Math.min(5, Math.max(1, score));
      squaredError += (best - rating) * (best - rating);
      ratings[at + j] = rating;
    }
    this.squaredError += squaredError;
  }

  /**
   * Distinct movies by popularity draws, each kept with probability
   * sigmoid(taste * (z - TASTE_THRESHOLD)), z = p.q * zScale (zScale 0: popularity alone,
   * no extra random number). Returns false (the caller then samples exactly) after
   * MAX_DRAWS_PER_RATING draws per rating.
   */
  private byRejection(count: number, items: Int32Array, at: number, zScale: number): boolean {
    const { Q, popularity } = this.items!;
    const { dim, taste } = this.spec;
    const rng = this.rng;
    const p = this.userFactor;
    const stamp = this.stamp!;
    const mark = this.nextUser + 1;
    let draws = 0;
    const maxDraws = zScale === 0 ? Infinity : MAX_DRAWS_PER_RATING * count;
    for (let j = 0; j < count; j++) {
      let m: number;
      for (;;) {
        if (++draws > maxDraws) return false;
        m = popularity.sample(rng);
        if (stamp[m] === mark) continue;
        if (zScale === 0) break;
        let a = 0;
        const row = m * dim;
        for (let k = 0; k < dim; k++) a += p[k]! * Q[row + k]!;
        // u < sigmoid(x)  <=>  u * (1 + e^-x) < 1
        if (rng.next() * (1 + Math.exp(-taste * (a * zScale - TASTE_THRESHOLD))) < 1) break;
      }
      stamp[m] = mark;
      items[at + j] = m + 1;
    }
    return true;
  }

  /**
   * Efraimidis-Spirakis over all movies with weights w_i * sigmoid(taste * (z_i - TASTE_THRESHOLD)):
   * the `count` movies with the largest u^(1/w), i.e. the smallest ln(-ln u) - ln w (in
   * logs, so that a tiny weight cannot underflow to 0). zScale 0: popularity alone, with
   * the keys ln(u) / w_i as before taste existed.
   */
  private weightedWithoutReplacement(count: number, items: Int32Array, at: number, zScale: number): void {
    const { weights, Q } = this.items!;
    const { dim, taste } = this.spec;
    const p = this.userFactor;
    const movies = weights.length;
    const keys = (this.keys ??= new Float64Array(movies));
    const order = (this.order ??= new Int32Array(movies));
    for (let m = 0; m < movies; m++) {
      let u = this.rng.next();
      while (u === 0) u = this.rng.next();
      if (zScale === 0) keys[m] = Math.log(u) / weights[m]!;
      else {
        let a = 0;
        const row = m * dim;
        for (let k = 0; k < dim; k++) a += p[k]! * Q[row + k]!;
        keys[m] = Math.log(weights[m]!) + logSigmoid(taste * (a * zScale - TASTE_THRESHOLD)) - Math.log(-Math.log(u));
      }
      order[m] = m;
    }
    order.sort((a, b) => keys[b]! - keys[a]! || a - b);
    for (let j = 0; j < count; j++) items[at + j] = order[j]! + 1;
  }
}
