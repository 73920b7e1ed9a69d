import { createRng, type Rng } from '../random';
import { drawActivity, drawPlantedItems, MU, USER_BIAS_STD, type PlantedItems } from './planted';
import { resolveSyntheticSpec, type ResolvedSyntheticSpec, type SyntheticSpec } from './spec';

/**
 * The one source of synthetic ratings, shared by the in-memory generator and the file
 * writer so that the same spec gives the same ratings either way. Ratings come user
 * by user (user 1 first), with 1-based external ids, into arrays the caller owns.
 *
 * One random stream, in a fixed order: (planted) item model, then per-user counts,
 * then each user's movies and ratings. Uniform: partial Fisher-Yates over a
 * persistent permutation gives each user `perUser` distinct movies in O(perUser).
 * Planted: distinct movies by popularity, by rejection (or, for users rating more than
 * a quarter of the catalogue, Efraimidis-Spirakis weighted sampling without replacement).
 */
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

  constructor(spec: SyntheticSpec) {
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
    const { dim, noise, movies } = this.spec;
    const rng = this.rng;
    const p = this.userFactor;
    for (let k = 0; k < dim; k++) p[k] = factorStd * rng.nextGaussian();
    const base = MU + USER_BIAS_STD * rng.nextGaussian();

    if (count * 4 > movies) this.weightedWithoutReplacement(count, items, at);
    else {
      const stamp = this.stamp!;
      const mark = this.nextUser + 1;
      for (let j = 0; j < count; j++) {
        let m = popularity.sample(rng);
        while (stamp[m] === mark) m = popularity.sample(rng);
        stamp[m] = mark;
        items[at + j] = m + 1;
      }
    }

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

  /** Efraimidis-Spirakis: the `count` movies with the largest u^(1/w) (here ln(u)/w). */
  private weightedWithoutReplacement(count: number, items: Int32Array, at: number): void {
    const { weights } = this.items!;
    const movies = weights.length;
    const keys = (this.keys ??= new Float64Array(movies));
    const order = (this.order ??= new Int32Array(movies));
    for (let m = 0; m < movies; m++) {
      let u = this.rng.next();
      while (u === 0) u = this.rng.next();
      keys[m] = Math.log(u) / weights[m]!;
      order[m] = m;
    }
    order.sort((a, b) => keys[b]! - keys[a]! || a - b);
    for (let j = 0; j < count; j++) items[at + j] = order[j]! + 1;
  }
}
