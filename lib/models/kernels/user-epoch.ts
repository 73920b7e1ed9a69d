import { shuffleInPlace, type Rng } from '../../data/random';

/** What one epoch of a per-user trainer reports to the training loop. */
export interface UserEpoch {
  sse: number;
  /** Ratings trained on (those of the users reached before a stop). */
  count: number;
  interrupted: boolean;
}

/**
 * One epoch of a trainer that steps user by user (NSVD, SVD++): the users in a fresh
 * random `order`, `stop` asked every 256 users, `step(u)` training on user u's ratings
 * [offsets[u], offsets[u + 1]) and returning their squared error.
 */
export function userEpoch(order: Int32Array, offsets: ArrayLike<number>, rng: Rng, stop: () => boolean, step: (u: number) => number): UserEpoch {
  shuffleInPlace(order, rng);
  let sse = 0;
  let count = 0;
  for (let k = 0; k < order.length; k++) {
    if ((k & 255) === 255 && stop()) return { sse, count, interrupted: true };
    const u = order[k]!;
    sse += step(u);
    count += offsets[u + 1]! - offsets[u]!;
  }
  return { sse, count, interrupted: false };
}
