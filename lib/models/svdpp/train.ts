/**
 * SVD++ (Koren 2008, "Factorization meets the neighborhood", eq. 15):
 *
 *   r̂(u, i) = mu + b_u + b_i + q_i · (p_u + z_u),   z_u = |N(u)|^-½ Σ_{j ∈ N(u)} y_j,
 *
 * N(u) the items u rated in training. Per-user SGD, users in a fresh seeded order each
 * epoch, each user's ratings in a fixed shuffled order. For user u, z_u is computed once;
 * for each rating, e = r - r̂:
 *   b_u += lr (e - regBias b_u),  b_i += lr (e - regBias b_i),  g += e q_i,
 *   q_i += lr (e (p_u + z_u) - reg q_i),  p_u += lr (e q_i - reg p_u)   (simultaneous);
 * then once per user, for j in N(u): y_j += lr (|N(u)|^-½ g - regImplicit y_j).
 * This is the standard fast form (as NSVD here, and LibRec/MyMediaLite): an epoch costs
 * O(ratings x dim) instead of the per-rating form's O(Σ_u |R(u)|² x dim). lr decays by
 * lrDecay per epoch.
 *
 * One thread, deterministic for a seed: the y updates of a user touch every item the user
 * rated, so users do not split into independent blocks the way SVD's ratings do, and one
 * JS thread already does an ML-100K epoch at dim 100 in well under a second.
 *
 * Factors start N(0, initStd²), biases 0, mu = mean training rating. Early stopping on
 * the test set as SVD (best epoch kept). The factors published are P' = p_u + z_u, so a
 * known user scores as a plain factor model; Y is kept for fold-in (serve.ts).
 *
 * Defaults (SVDPP_DEFAULTS): dim 50, lr 0.007, lrDecay 0.98, reg 0.08,
 * regImplicit 0.5, regBias 0.01, initStd 0.05, up to 100 epochs with patience 5
 * (`npm run tune -- --model svdpp`; grid in svdppTraining.tuning).
 */
import * as z from 'zod';
import { buildUserCsr, type UserCsr } from '../../data/csr';
import { meanRating, nItems, nUsers, type Dataset } from '../../data/dataset';
import { createRng, fillGaussian, permutation, shuffleRatings } from '../../data/random';
import { userEpoch } from '../kernels/user-epoch';
import type { Factors } from '../../math/factors';
import type { FitOptions, FitResult, TrainingPart } from '../contract';
import { squaredErrorRange } from '../kernels/sgd-kernel';
import { runEpochsKeepingBest, Snapshot } from '../kernels/training-loop';
import { resolver, sgdParamFields } from '../params';
import { addImplicitTerms, implicitTerm } from './implicit-term';

const { kernel: _kernel, ...sgdFields } = sgdParamFields;

export const SvdppParamsSchema = z
  .object({
    ...sgdFields,
    /** Regularisation of the implicit item factors y_j. */
    regImplicit: z.number().nonnegative(),
  })
  .strict();
export type SvdppParams = z.infer<typeof SvdppParamsSchema>;

export const SVDPP_DEFAULTS: Readonly<SvdppParams> = Object.freeze({
  dim: 50,
  epochs: 100,
  lr: 0.007,
  lrDecay: 0.98,
  reg: 0.08,
  regImplicit: 0.5,
  regBias: 0.01,
  initStd: 0.05,
  patience: 5,
});

export const svdppTraining: TrainingPart<typeof SvdppParamsSchema> = {
  kind: 'svdpp',
  schema: SvdppParamsSchema,
  defaults: SVDPP_DEFAULTS,
  resolve: resolver('svdpp', SvdppParamsSchema, SVDPP_DEFAULTS),
  stopsEarly: (p) => p.patience > 0,
  tuning: { metric: 'rmse', grid: { reg: [0.05, 0.08, 0.12], regImplicit: [0.3, 0.5, 1] } },
  feedback: ['explicit'],
  fit: (train, p, options) => fitSvdpp(train, p, options),
};

/** The model's trainable arrays, as the snapshot of the best epoch holds them. */
type Tables = Record<'P' | 'Q' | 'Y' | 'userBias' | 'itemBias', Float32Array>;

/** Fits SVD++ with resolved params (svdppTraining.resolve). */
export async function fitSvdpp(train: Dataset, p: SvdppParams, options: FitOptions = {}): Promise<FitResult<SvdppParams>> {
  const { dim } = p;
  const nU = nUsers(train);
  const nI = nItems(train);
  const rng = createRng(options.seed ?? 1);
  const mu = meanRating(train);
  const live: Tables = {
    P: fillGaussian(new Float32Array(nU * dim), p.initStd, rng),
    Q: fillGaussian(new Float32Array(nI * dim), p.initStd, rng),
    Y: fillGaussian(new Float32Array(nI * dim), p.initStd, rng),
    userBias: new Float32Array(nU),
    itemBias: new Float32Array(nI),
  };
  const rows = buildUserCsr(train);
  for (let u = 0; u < nU; u++) shuffleRatings(undefined, rows.items, rows.ratings, rows.offsets[u]!, rows.offsets[u + 1]!, rng);
  const order = permutation(nU, rng);
  const step = userStep(rows, live, dim, mu);
  const snapshot = new Snapshot(live);
  const served = new Float32Array(nU * dim);
  const test = options.test;
  let steps = 0;

  const runEpoch = (epoch: number, stop: () => boolean) => {
    const lr = p.lr * Math.pow(p.lrDecay, epoch - 1);
    const { sse, count, interrupted } = userEpoch(order, rows.offsets, rng, stop, (u) => step(u, lr, p.reg, p.regImplicit, p.regBias));
    steps += count;
    return { trainRmse: count ? Math.sqrt(sse / count) : NaN, step: steps, interrupted };
  };

  const testRmse = () => {
    if (!test || test.size === 0) return NaN;
    addImplicitTerms(live.P, dim, live.Y, dim, rows, served);
    const t = { P: served, Q: live.Q, userBias: live.userBias, itemBias: live.itemBias, dim };
    return Math.sqrt(squaredErrorRange(test.users, test.items, test.ratings, 0, test.size, t, mu, test.scale.min, test.scale.max) / test.size);
  };

  const { loop, best } = await runEpochsKeepingBest(
    snapshot,
    { runEpoch, testRmse },
    { epochs: p.epochs, patience: p.patience, hasTest: !!test && test.size > 0, deadline: options.deadline, onProgress: options.onProgress },
  );
  const factors: Factors = {
    kind: 'svdpp',
    scoring: 'rating',
    dim,
    nUsers: nU,
    nItems: nI,
    mu,
    scale: train.scale,
    P: addImplicitTerms(best.P, dim, best.Y, dim, rows, served),
    Q: best.Q,
    Y: best.Y,
    userBias: best.userBias,
    itemBias: best.itemBias,
    foldIn: { reg: p.reg, regBias: p.regBias },
  };
  return { factors, resolvedParams: p, curve: loop.curve, ...(loop.stoppedBy ? { stoppedBy: loop.stoppedBy } : {}) };
}

/**
 * The SGD step of one user over their ratings (the formula at the top), with z_u cached
 * and the y gradient applied once; returns the user's sum of squared errors. Scratch rows
 * are allocated once here, so the step allocates nothing.
 */
function userStep(rows: UserCsr, t: Tables, dim: number, mu: number) {
  const { P, Q, Y, userBias, itemBias } = t;
  const { offsets, items, ratings } = rows;
  const pz = new Float32Array(dim);
  const g = new Float32Array(dim);
  return (u: number, lr: number, reg: number, regImplicit: number, regBias: number): number => {
    const from = offsets[u]!;
    const to = offsets[u + 1]!;
    if (from === to) return 0;
    const pu = u * dim;
    implicitTerm(Y, dim, items, from, to, pz);
    for (let d = 0; d < dim; d++) pz[d] += P[pu + d]!;
    g.fill(0);
    const decay = 1 - lr * reg;
    let sse = 0;
    for (let r = from; r < to; r++) {
      const i = items[r]!;
      const qi = i * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += pz[d]! * Q[qi + d]!;
      const bu = userBias[u]!;
      const bi = itemBias[i]!;
      const e = ratings[r]! - (mu + bu + bi + dot);
      sse += e * e;
      userBias[u] = bu + lr * (e - regBias * bu);
      itemBias[i] = bi + lr * (e - regBias * bi);
      const le = lr * e;
      for (let d = 0; d < dim; d++) {
        const q = Q[qi + d]!;
        const pd = P[pu + d]!;
        g[d] += e * q;
        Q[qi + d] = decay * q + le * pz[d]!;
        const next = decay * pd + le * q;
        P[pu + d] = next;
        pz[d] += next - pd;
      }
    }
    const norm = 1 / Math.sqrt(to - from);
    const yStep = lr * norm;
    const yDecay = 1 - lr * regImplicit;
    for (let r = from; r < to; r++) {
      const yj = items[r]! * dim;
      for (let d = 0; d < dim; d++) Y[yj + d] = yDecay * Y[yj + d]! + yStep * g[d]!;
    }
    return sse;
  };
}
