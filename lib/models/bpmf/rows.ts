/**
 * BPMF's row draws, the bulk of a sweep: every row of one side drawn from its Gaussian
 * conditional given the other side (gibbs.ts states the model). Rows of a side are
 * independent given the other, so any range of them can run on any thread: a RowJob holds
 * only typed arrays (SharedArrayBuffer-backed when workers share it), and each row draws
 * its noise from its own stream, seeded by (seed, sweep, side, row), so the chain is the
 * same whatever the number of threads.
 */
import { createRng } from '../../data/random';
import { BiasedGram } from '../../math/linalg/normal-equations';
import { sampleGaussianFromPrecision } from '../../math/sampling';
import type { TaskContext } from '../kernels/tasks';

export type Side = 'users' | 'items';

/** A side's current row prior as the draws read it: precision Λ (K x K) and Λμ. */
export interface PriorArrays {
  precision: Float64Array;
  info: Float64Array;
}

export interface RowJob {
  dim: number;
  /** dim + 1: a row is [factors, bias]. */
  K: number;
  mu: number;
  seed: number;
  /** Ratings by user (items ascending) and by item (users ascending). */
  users: { offsets: Uint32Array; items: Int32Array; ratings: Float32Array };
  items: { offsets: Uint32Array; users: Int32Array; ratings: Float32Array };
  /** nUsers x K: [p_u, b_u]. */
  U: Float32Array;
  /** nItems x K: [q_i, b_i]. */
  V: Float32Array;
  /** The user rows the items see: [p_u + z_u, b_u] (U itself without the implicit term). */
  userRows: Float32Array;
  /** nUsers x dim: the implicit terms z_u, when the model has them. */
  Z: Float32Array | undefined;
  /** Per-rating targets of the rows being drawn, at their CSR positions (ranges never overlap). */
  targets: Float32Array;
  userPrior: PriorArrays;
  itemPrior: PriorArrays;
  /** [0]: the noise precision α of this sweep. */
  alpha: Float64Array;
}

/** The seed of one row's noise stream: distinct for every row of a side in a sweep. */
export function rowSeed(seed: number, sweep: number, side: Side, row: number): number {
  const base = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(2 * sweep + (side === 'users' ? 0 : 1) + 1, 0xc2b2ae35);
  return (base + row) | 0;
}

/** A thread's row drawer over a job, with its own scratch: draws rows [from, to) of `side` in sweep `sweep`. */
export function rowDrawer(job: RowJob) {
  const { K, dim, mu, U, V, userRows, Z, targets } = job;
  const gram = new BiasedGram(dim);
  const A = new Float64Array(K * K);
  const h = new Float64Array(K);
  const x = new Float64Array(K);

  const draw = (X: Float32Array, idx: Int32Array, from: number, to: number, prior: PriorArrays, out: Float32Array, row: number, seed: number) => {
    A.set(prior.precision);
    h.set(prior.info);
    gram.add(X, K, idx, targets, from, to, job.alpha[0]!, A, h);
    sampleGaussianFromPrecision(A, K, h, createRng(seed), x);
    for (let a = 0; a < K; a++) out[row * K + a] = x[a]!;
  };

  return (side: Side, from: number, to: number, sweep: number): void => {
    if (side === 'users') {
      const { offsets, items, ratings } = job.users;
      for (let u = from; u < to; u++) {
        const start = offsets[u]!;
        const end = offsets[u + 1]!;
        // Target r - mu - b_i - q_i·z_u: what p_u and b_u have to explain.
        for (let k = start; k < end; k++) {
          const vi = items[k]! * K;
          let zq = 0;
          if (Z) for (let d = 0; d < dim; d++) zq += Z[u * dim + d]! * V[vi + d]!;
          targets[k] = ratings[k]! - mu - V[vi + dim]! - zq;
        }
        draw(V, items, start, end, job.userPrior, U, u, rowSeed(job.seed, sweep, side, u));
      }
    } else {
      const { offsets, users, ratings } = job.items;
      for (let i = from; i < to; i++) {
        const start = offsets[i]!;
        const end = offsets[i + 1]!;
        for (let k = start; k < end; k++) targets[k] = ratings[k]! - mu - userRows[users[k]! * K + dim]!;
        draw(userRows, users, start, end, job.itemPrior, V, i, rowSeed(job.seed, sweep, side, i));
      }
    }
  };
}

const KEY = 'bpmf';

export interface RowTask {
  side: Side;
  from: number;
  to: number;
  sweep: number;
}

export const BPMF_TASKS = {
  'bpmf.attach': (job: RowJob, ctx: TaskContext) => {
    ctx.state.set(KEY, rowDrawer(job));
    return true;
  },
  'bpmf.rows': (t: RowTask, ctx: TaskContext) => {
    const draw = ctx.state.get(KEY) as ReturnType<typeof rowDrawer> | undefined;
    if (!draw) throw new Error('bpmf.rows before bpmf.attach');
    draw(t.side, t.from, t.to, t.sweep);
    return true;
  },
};
