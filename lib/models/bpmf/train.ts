/**
 * BPMF: Bayesian probabilistic matrix factorisation by Gibbs sampling (Salakhutdinov &
 * Mnih 2008), with biases and, as the flag `implicit`, the SVD++ implicit term (Rendle,
 * Zhang & Koren 2019, "Bayesian SVD++"):
 *
 *   r ~ N(mu + b_u + b_i + q_i · (p_u + z_u), 1/α),   z_u = |N(u)|^-½ Σ_{j ∈ N(u)} y_j (implicit only),
 *   [p_u, b_u] ~ N(μ_U, Λ_U⁻¹),  [q_i, b_i] ~ N(μ_V, Λ_V⁻¹),  (μ, Λ) ~ Normal-Wishart(0, β0, K, I),
 *   y_jf ~ N(0, 1/λ_f),  λ_f ~ Gamma(1, 1),  α ~ Gamma(1, 1) unless fixed by `alpha`,
 *
 * K = dim + 1: the biases are sampled with the factors as one more coordinate of each row
 * (gibbs.ts), mu is the mean training rating. The first `burnIn` sweeps are discarded, the
 * next `samples` kept; predictions on FitOptions.test (the curve) are averaged over the
 * kept samples. The factors returned are the posterior mean of the kept samples (p_u + z_u
 * for the users), with the users' mean prior and α for fold-in (fold-in.ts). The sweeps stop
 * at FitOptions.deadline: the mean of the samples kept by then, or the last sample if none.
 * The row draws run on FitOptions.threads threads (threads.ts); the chain depends on the
 * seed only, not on the number of threads.
 *
 * Defaults (BPMF_DEFAULTS): dim 20, burnIn 20, samples 150, α sampled, β0 2, implicit off,
 * initStd 0.1 (`npm run tune -- --model bpmf`; grid in bpmfTraining.tuning).
 */
import * as z from 'zod';
import { buildItemCsr, buildUserCsr } from '../../data/csr';
import { meanRating, nItems, nUsers, type Dataset } from '../../data/dataset';
import { createRng, fillGaussian, type Rng } from '../../data/random';
import type { Factors } from '../../math/factors';
import { clip } from '../../math/scoring';
import type { FitOptions, FitResult, TrainingPart } from '../contract';
import { allocate } from '../kernels/shared';
import { runEpochs } from '../kernels/training-loop';
import { resolver } from '../params';
import { encodeUserPrior } from './fold-in';
import { gibbsSweep, rowScore, type GibbsState } from './gibbs';
import { rowPrior } from './hyperprior';
import { implicitState } from './implicit';
import { RowThreads } from './threads';

export const BpmfParamsSchema = z
  .object({
    dim: z.number().int().min(1).max(512),
    /** Sweeps discarded before samples are kept. */
    burnIn: z.number().int().min(0),
    /** Sweeps kept (averaged) after the burn-in. */
    samples: z.number().int().min(1),
    /** Noise precision 1/σ²: a fixed number, or 'sample' to draw it each sweep. */
    alpha: z.union([z.number().positive(), z.literal('sample')]),
    /** Normal-Wishart β0: how many pseudo-rows the prior mean 0 counts for. */
    beta0: z.number().positive(),
    /** Adds the SVD++ implicit term z_u to every user row. */
    implicit: z.boolean(),
    /** Standard deviation of the initial rows. */
    initStd: z.number().nonnegative(),
  })
  .strict();
export type BpmfParams = z.infer<typeof BpmfParamsSchema>;

export const BPMF_DEFAULTS: Readonly<BpmfParams> = Object.freeze({
  dim: 20,
  burnIn: 20,
  samples: 150,
  alpha: 'sample',
  beta0: 2,
  implicit: false,
  initStd: 0.1,
});

export const bpmfTraining: TrainingPart<typeof BpmfParamsSchema> = {
  kind: 'bpmf',
  schema: BpmfParamsSchema,
  defaults: BPMF_DEFAULTS,
  resolve: resolver('bpmf', BpmfParamsSchema, BPMF_DEFAULTS),
  stopsEarly: () => false,
  tuning: { metric: 'rmse', grid: { dim: [5, 10, 20] } },
  feedback: ['explicit'],
  fit: (train, p, options) => fitBpmf(train, p, options),
};

type Typed = Float32Array | Int32Array | Uint32Array;

/** A copy of a typed array, in shared memory when `shared`. */
function copyOf<T extends Typed>(array: T, shared: boolean): T {
  const copy = allocate(array.constructor as unknown as { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, array.length, shared);
  copy.set(array);
  return copy;
}

/** The array itself, or its copy in shared memory when workers will read it. */
const share = <T extends Typed>(array: T, shared: boolean): T => (shared ? copyOf(array, true) : array);

/** The chain's starting point: rows N(0, initStd²) with biases 0, Y = 0, α = 2 unless fixed. */
function gibbsState(train: Dataset, p: BpmfParams, seed: number, rng: Rng, shared: boolean): GibbsState {
  const dim = p.dim;
  const K = dim + 1;
  const initial = (rows: number) => {
    const table = fillGaussian(allocate(Float32Array, rows * K, shared), p.initStd, rng);
    for (let r = 0; r < rows; r++) table[r * K + dim] = 0;
    return table;
  };
  const byUser = buildUserCsr(train);
  const byItem = buildItemCsr(train);
  const users = { offsets: share(byUser.offsets, shared), items: share(byUser.items, shared), ratings: share(byUser.ratings, shared) };
  const items = { offsets: share(byItem.offsets, shared), users: share(byItem.users, shared), ratings: share(byItem.ratings, shared) };
  const U = initial(nUsers(train));
  const implicit = p.implicit ? implicitState(users, nItems(train), dim, shared) : undefined;
  const userPrior = rowPrior(K, shared);
  const itemPrior = rowPrior(K, shared);
  const alpha = allocate(Float64Array, 1, shared);
  alpha[0] = p.alpha === 'sample' ? 2 : p.alpha;
  return {
    job: {
      dim,
      K,
      mu: meanRating(train),
      seed,
      users,
      items,
      U,
      V: initial(nItems(train)),
      userRows: implicit ? copyOf(U, shared) : U,
      Z: implicit?.Z,
      targets: allocate(Float32Array, train.size, shared),
      userPrior,
      itemPrior,
      alpha,
    },
    implicit,
    userPrior,
    itemPrior,
    beta0: p.beta0,
    sampleAlpha: p.alpha === 'sample',
    residual: new Float64Array(train.size),
  };
}

/** Running sums of the kept samples: the posterior mean factors, the users' prior and α. */
class PosteriorMean {
  count = 0;
  private readonly P: Float64Array;
  private readonly Q: Float64Array;
  private readonly Y: Float64Array | undefined;
  private readonly priorMean: Float64Array;
  private readonly priorPrecision: Float64Array;
  private alpha = 0;

  constructor(private readonly s: GibbsState) {
    const { job } = s;
    this.P = new Float64Array(job.userRows.length);
    this.Q = new Float64Array(job.V.length);
    this.Y = s.implicit && new Float64Array(s.implicit.Y.length);
    this.priorMean = new Float64Array(job.K);
    this.priorPrecision = new Float64Array(job.K * job.K);
  }

  add(): void {
    const { s } = this;
    addInto(this.P, s.job.userRows);
    addInto(this.Q, s.job.V);
    if (this.Y && s.implicit) addInto(this.Y, s.implicit.Y);
    addInto(this.priorMean, s.userPrior.mean);
    addInto(this.priorPrecision, s.userPrior.precision);
    this.alpha += s.job.alpha[0]!;
    this.count++;
  }

  factors(train: Dataset): Factors {
    const { s, count } = this;
    const { dim, K, mu } = s.job;
    const [P, userBias] = splitRows(this.P, K, dim, count);
    const [Q, itemBias] = splitRows(this.Q, K, dim, count);
    return {
      kind: 'bpmf',
      scoring: 'rating',
      dim,
      nUsers: nUsers(train),
      nItems: nItems(train),
      mu,
      scale: train.scale,
      P,
      Q,
      ...(this.Y ? { Y: Float32Array.from(this.Y, (v) => v / count) } : {}),
      userBias,
      itemBias,
      foldIn: encodeUserPrior({
        noisePrecision: this.alpha / count,
        mean: this.priorMean.map((v) => v / count),
        precision: this.priorPrecision.map((v) => v / count),
      }),
    };
  }
}

function addInto(sum: Float64Array, x: ArrayLike<number>): void {
  for (let k = 0; k < sum.length; k++) sum[k] += x[k]!;
}

/** Rows of K = dim + 1 sums into the factor table and the bias column, divided by count. */
function splitRows(sums: Float64Array, K: number, dim: number, count: number): [Float32Array, Float32Array] {
  const rows = sums.length / K;
  const factors = new Float32Array(rows * dim);
  const bias = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) factors[r * dim + d] = sums[r * K + d]! / count;
    bias[r] = sums[r * K + dim]! / count;
  }
  return [factors, bias];
}

/** Fits BPMF with resolved params (bpmfTraining.resolve). */
export async function fitBpmf(train: Dataset, p: BpmfParams, options: FitOptions = {}): Promise<FitResult<BpmfParams>> {
  const seed = options.seed ?? 1;
  const rng = createRng(seed);
  const workers = Math.max(1, Math.floor(options.threads ?? 1));
  const s = gibbsState(train, p, seed, rng, workers > 1);
  const { job } = s;
  const posterior = new PosteriorMean(s);
  const test = options.test && options.test.size > 0 ? options.test : undefined;
  // Σ over kept samples of each test prediction (r̂ - mu), for the averaged-prediction RMSE.
  const testSums = test ? new Float64Array(test.size) : undefined;
  const threads = await RowThreads.start(job, workers);
  try {
    const runEpoch = async (sweep: number) => {
      const sse = await gibbsSweep(s, threads, sweep, rng);
      if (sweep > p.burnIn) {
        posterior.add();
        if (test && testSums) for (let r = 0; r < test.size; r++) testSums[r] += rowScore(job, test.users[r]!, test.items[r]!);
      }
      return { trainRmse: Math.sqrt(sse / Math.max(1, train.size)), step: sweep * train.size, interrupted: false };
    };

    const testRmse = () => {
      if (!test || !testSums) return NaN;
      const kept = posterior.count;
      let sse = 0;
      for (let r = 0; r < test.size; r++) {
        const raw = kept > 0 ? testSums[r]! / kept : rowScore(job, test.users[r]!, test.items[r]!);
        sse += (clip(job.mu + raw, test.scale) - test.ratings[r]!) ** 2;
      }
      return Math.sqrt(sse / test.size);
    };

    const loop = await runEpochs(
      { runEpoch, testRmse, saveBest: () => {} },
      { epochs: p.burnIn + p.samples, patience: Infinity, hasTest: !!test, deadline: options.deadline, onProgress: options.onProgress },
    );
    if (posterior.count === 0) posterior.add();
    return { factors: posterior.factors(train), resolvedParams: p, curve: loop.curve, ...(loop.stoppedBy ? { stoppedBy: loop.stoppedBy } : {}) };
  } finally {
    await threads.close();
  }
}
