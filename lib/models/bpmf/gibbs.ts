/**
 * One Gibbs sweep of BPMF with biases (train.ts states the model). Each side's table holds
 * rows of K = dim + 1 values, [factors, bias]: the bias is sampled as part of the row, its
 * feature on the other side being the constant 1 (so one Normal-Wishart prior covers
 * factors and bias, correlations included). A sweep draws, in order:
 *   the users' hyperprior, every user row given the items (targets r - mu - b_i - q_i·z_u),
 *   the items' hyperprior, every item row given the users (features p_u + z_u, targets
 *   r - mu - b_u), the implicit Y (implicit.ts) when on, then the noise precision α.
 * The row draws run over threads (rows.ts, threads.ts); the rest, a few passes over the
 * ratings, on the calling thread from its seeded stream.
 */
import type { Rng } from '../../data/random';
import { sampleGamma } from '../../math/sampling';
import { sampleRowPrior, type RowPrior } from './hyperprior';
import { refreshImplicitTerms, sampleImplicit, type ImplicitState } from './implicit';
import type { RowJob } from './rows';
import type { RowThreads } from './threads';

export interface GibbsState {
  readonly job: RowJob;
  readonly implicit: ImplicitState | undefined;
  /** The same arrays as job.userPrior / job.itemPrior, with the sampled means. */
  readonly userPrior: RowPrior;
  readonly itemPrior: RowPrior;
  readonly beta0: number;
  readonly sampleAlpha: boolean;
  /** Residuals of the training ratings in user-CSR order, after the last sweep. */
  readonly residual: Float64Array;
}

/** userRows = U + [Z, 0] (nothing to do without the implicit term: userRows is U). */
export function refreshUserRows(s: GibbsState): void {
  const { U, userRows, K, dim, Z } = s.job;
  if (!Z) return;
  for (let u = 0; u * K < U.length; u++) {
    for (let d = 0; d < dim; d++) userRows[u * K + d] = U[u * K + d]! + Z[u * dim + d]!;
    userRows[u * K + dim] = U[u * K + dim]!;
  }
}

/** r̂ - mu for user u, item i from the current rows (userRows, V). */
export function rowScore(job: RowJob, u: number, i: number): number {
  const { userRows, V, K, dim } = job;
  let sum = userRows[u * K + dim]! + V[i * K + dim]!;
  for (let a = 0; a < dim; a++) sum += userRows[u * K + a]! * V[i * K + a]!;
  return sum;
}

function computeResiduals(s: GibbsState): void {
  const { job, residual } = s;
  const { offsets, items, ratings } = job.users;
  for (let u = 0; u + 1 < offsets.length; u++) {
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) residual[k] = ratings[k]! - job.mu - rowScore(job, u, items[k]!);
  }
}

/** Sweep number `sweep` (from 1; the order at the top); returns the training sum of squared errors of the sample drawn. */
export async function gibbsSweep(s: GibbsState, threads: RowThreads, sweep: number, rng: Rng): Promise<number> {
  const { job, implicit } = s;
  if (implicit) refreshImplicitTerms(implicit, job.users);
  sampleRowPrior(job.U, job.users.offsets.length - 1, s.beta0, rng, s.userPrior);
  await threads.draw('users', sweep);
  refreshUserRows(s);
  sampleRowPrior(job.V, job.items.offsets.length - 1, s.beta0, rng, s.itemPrior);
  await threads.draw('items', sweep);
  computeResiduals(s);
  if (implicit) {
    sampleImplicit(implicit, job.users, job.items, job.V, job.K, s.residual, job.alpha[0]!, rng);
    refreshUserRows(s);
  }
  let sse = 0;
  for (let k = 0; k < s.residual.length; k++) sse += s.residual[k]! ** 2;
  if (s.sampleAlpha) job.alpha[0] = sampleGamma(1 + s.residual.length / 2, 1 + sse / 2, rng);
  return sse;
}
