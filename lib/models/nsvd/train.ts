/**
 * NSVD (Paterek 2007, "NSVD1"): an item-based factor model with no user factors.
 *
 *   r̂(u, i) = mu + b_u + b_i + p_u · q_i,   p_u = n(u) Σ_{j ∈ S(u)} y_j,   n(u) = |S(u)|^-1/2
 *
 * S(u) is the user's rated items under the size rule (`size`, the PoC's -S flag):
 *   'max'  every rated item;
 *   'mean' at most the mean number of ratings per training user (rounded),
 *   'min'  at most the smallest number of ratings of any training user;
 * when capped, S(u) is a fixed random subset of R(u) drawn once from the seed (serving
 * takes the first `cap` rated items). Our reading of the PoC: the cap bounds the
 * per-user work and makes every user's vector a sum over the same number of items.
 *
 * Training: per-user SGD. For user u (users in a fresh seeded order each epoch, each
 * user's ratings in a fixed shuffled order): compute p_u once; for each rating,
 * e = r - r̂; b_u += lr (e - regBias b_u); b_i += lr (e - regBias b_i);
 * g += e q_i; q_i += lr (e p_u - reg q_i). Then for j in S(u): y_j += lr (n(u) g - reg y_j).
 * (Updating Y once per user, with the summed gradient, is the standard fast form: the
 * per-rating form costs |R(u)|·|S(u)|·dim per user.) Single-threaded and deterministic;
 * the step runs as WebAssembly SIMD (kernels/assembly/sgd.ts nsvdUser) when dim is a
 * multiple of 4, else as the JS loop below (`kernel` param).
 * Early stopping on the test set as for SVD. Optimizer 'momentum' (the PoC's -b/-s/-m):
 * minibatch gradient descent with momentum instead (nsvd/momentum.ts).
 *
 * Defaults (NSVD_DEFAULTS): dim 100, lr 0.005 decayed x0.98 per epoch, reg 0.1,
 * regBias 0.01, initStd 0.1, size 'max', up to 60 epochs with patience 5
 * (`npm run tune -- --model nsvd`; grid in nsvdTraining.tuning).
 */
import * as z from 'zod';
import { meanRating, nItems, nUsers, type Dataset } from '../../data/dataset';
import { ModelParamsError, MOMENTUM_FIELD_DEFAULTS, momentumParamFields, optimizerOverrides, parseParams, sgdParamFields } from '../params';
import { createRng, fillGaussian, permutation, shuffleRatings, type Rng } from '../../data/random';
import { userEpoch } from '../kernels/user-epoch';
import { squaredErrorRange } from '../kernels/sgd-kernel';
import { WasmArena } from '../../wasm/runtime';
import { bindWasmNsvd, sgdWasmModule, wasmSgdAvailable } from '../kernels/wasm-sgd';
import { runEpochsKeepingBest, Snapshot } from '../kernels/training-loop';
import type { Factors } from '../../math/factors';
import type { FitOptions, FitResult, TrainingPart } from '../contract';
import { nsvdMomentumRunner } from './momentum';
import { nsvdUsedCount, sumItemRows, type NsvdSizeRule } from './user-vector';

export const NsvdParamsSchema = z
  .object({
    ...sgdParamFields,
    size: z.enum(['max', 'mean', 'min']),
    ...momentumParamFields,
  })
  .strict();
export type NsvdParams = z.infer<typeof NsvdParamsSchema>;

export const NSVD_DEFAULTS: Readonly<NsvdParams> = Object.freeze({
  dim: 100,
  epochs: 60,
  lr: 0.005,
  lrDecay: 0.98,
  reg: 0.1,
  regBias: 0.01,
  initStd: 0.1,
  patience: 5,
  size: 'max',
  ...MOMENTUM_FIELD_DEFAULTS,
  kernel: 'auto',
});

export const nsvdTraining: TrainingPart<typeof NsvdParamsSchema> = {
  kind: 'nsvd',
  schema: NsvdParamsSchema,
  defaults: NSVD_DEFAULTS,
  resolve: (overrides = {}) => parseParams('nsvd', NsvdParamsSchema, { ...NSVD_DEFAULTS, ...optimizerOverrides(overrides), ...overrides }),
  stopsEarly: (p) => p.patience > 0,
  tuning: { metric: 'rmse', grid: { dim: [50, 100], lr: [0.005, 0.01], reg: [0.05, 0.1] } },
  feedback: ['explicit'],
  fit: (train, p, options) => fitNsvd(train, p, options),
};

/** Ratings grouped by user (CSR), each row shuffled once. */
interface UserRows {
  start: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

function userRows(train: Dataset, nU: number, rng: Rng): UserRows {
  const start = new Int32Array(nU + 1);
  for (let r = 0; r < train.size; r++) start[train.users[r]! + 1]!++;
  for (let u = 0; u < nU; u++) start[u + 1]! += start[u]!;
  const fill = start.slice(0, nU);
  const items = new Int32Array(train.size);
  const ratings = new Float32Array(train.size);
  for (let r = 0; r < train.size; r++) {
    const at = fill[train.users[r]!]!++;
    items[at] = train.items[r]!;
    ratings[at] = train.ratings[r]!;
  }
  for (let u = 0; u < nU; u++) shuffleRatings(undefined, items, ratings, start[u]!, start[u + 1]!, rng);
  return { start, items, ratings };
}

/** The cap a size rule means on this training set (0 = none). */
export function nsvdCap(rows: UserRows, size: NsvdParams['size']): number {
  if (size === 'max') return 0;
  let users = 0;
  let min = Infinity;
  for (let u = 0; u + 1 < rows.start.length; u++) {
    const n = rows.start[u + 1]! - rows.start[u]!;
    if (n === 0) continue;
    users++;
    if (n < min) min = n;
  }
  if (users === 0) return 0;
  return size === 'min' ? min : Math.max(1, Math.round(rows.items.length / users));
}

/** Fits NSVD with resolved params (nsvdTraining.resolve). */
export async function fitNsvd(train: Dataset, p: NsvdParams, options: FitOptions = {}): Promise<FitResult<NsvdParams>> {
  const dim = p.dim;
  const nU = nUsers(train);
  const nI = nItems(train);
  const rng = createRng(options.seed ?? 1);
  const mu = meanRating(train);
  const useWasm = p.kernel !== 'js' && dim % 4 === 0 && wasmSgdAvailable();
  if (p.kernel === 'wasm' && !useWasm) {
    throw new ModelParamsError(`nsvd params: kernel 'wasm' needs dim to be a multiple of 4 (got ${dim}) and WebAssembly SIMD`);
  }
  const arena = useWasm ? new WasmArena() : undefined;
  const slot = arena && {
    items: arena.reserve(Int32Array, train.size),
    ratings: arena.reserve(Float32Array, train.size),
    Q: arena.reserve(Float32Array, nI * dim),
    Y: arena.reserve(Float32Array, nI * dim),
    userBias: arena.reserve(Float32Array, nU),
    itemBias: arena.reserve(Float32Array, nI),
    p: arena.reserve(Float32Array, dim),
    g: arena.reserve(Float32Array, dim),
  };
  const memory = arena?.commit();
  const f32 = (at: number | undefined, length: number) => (arena && at !== undefined ? arena.view<Float32Array>(at) : new Float32Array(length));
  const live = {
    Q: fillGaussian(f32(slot?.Q, nI * dim), p.initStd, rng),
    Y: fillGaussian(f32(slot?.Y, nI * dim), p.initStd, rng),
    userBias: f32(slot?.userBias, nU),
    itemBias: f32(slot?.itemBias, nI),
  };
  let rows = userRows(train, nU, rng);
  if (arena && slot) {
    // The kernel reads the rows from its own memory; the plain copies go to the collector.
    const items = arena.view<Int32Array>(slot.items);
    items.set(rows.items);
    const ratings = arena.view<Float32Array>(slot.ratings);
    ratings.set(rows.ratings);
    rows = { start: rows.start, items, ratings };
  }
  const wasmUser = arena && slot && memory ? bindWasmNsvd(sgdWasmModule(), memory) : undefined;
  /** Byte offsets of the kernel's arrays. */
  const at = arena && slot && (Object.fromEntries(Object.entries(slot).map(([k, v]) => [k, arena.offset(v)])) as Record<keyof typeof slot, number>);
  const rule: NsvdSizeRule = { size: p.size, cap: nsvdCap(rows, p.size) };
  const P = new Float32Array(nU * dim);
  const order = permutation(nU, rng);
  const pu = new Float32Array(dim);
  const grad = new Float32Array(dim);
  const test = options.test;
  const snapshot = new Snapshot(live);
  const { Q, Y, userBias, itemBias } = live;
  let steps = 0;

  const stepUser = (u: number, lr: number): number => {
    const from = rows.start[u]!;
    const to = rows.start[u + 1]!;
    if (from === to) return 0;
    const used = nsvdUsedCount(to - from, rule);
    if (wasmUser && at) {
      return wasmUser(at.items, at.ratings, from, to, used, u, at.Q, at.Y, at.userBias, at.itemBias, at.p, at.g, dim, mu, lr, p.reg, p.regBias);
    }
    const norm = 1 / Math.sqrt(used);
    sumItemRows(Y, dim, rows.items, from, from + used, norm, pu);
    grad.fill(0);
    let sse = 0;
    for (let r = from; r < to; r++) {
      const i = rows.items[r]!;
      const qi = i * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += pu[d]! * Q[qi + d]!;
      const bu = userBias[u]!;
      const bi = itemBias[i]!;
      const e = rows.ratings[r]! - (mu + bu + bi + dot);
      sse += e * e;
      userBias[u] = bu + lr * (e - p.regBias * bu);
      itemBias[i] = bi + lr * (e - p.regBias * bi);
      for (let d = 0; d < dim; d++) {
        const q = Q[qi + d]!;
        grad[d] += e * q;
        Q[qi + d] = q + lr * (e * pu[d]! - p.reg * q);
      }
    }
    for (let r = from; r < from + used; r++) {
      const yj = rows.items[r]! * dim;
      for (let d = 0; d < dim; d++) Y[yj + d] += lr * (norm * grad[d]! - p.reg * Y[yj + d]!);
    }
    return sse;
  };

  const runEpoch = (epoch: number, stop: () => boolean) => {
    const lr = p.lr * Math.pow(p.lrDecay, epoch - 1);
    const { sse, count, interrupted } = userEpoch(order, rows.start, rng, stop, (u) => stepUser(u, lr));
    steps += count;
    return { trainRmse: count ? Math.sqrt(sse / count) : NaN, step: steps, interrupted };
  };

  const materialise = (y: Float32Array) => {
    for (let u = 0; u < nU; u++) {
      const from = rows.start[u]!;
      const to = rows.start[u + 1]!;
      const out = P.subarray(u * dim, (u + 1) * dim);
      if (from === to) out.fill(0);
      else {
        const used = nsvdUsedCount(to - from, rule);
        sumItemRows(y, dim, rows.items, from, from + used, 1 / Math.sqrt(used), out);
      }
    }
  };

  const testRmse = () => {
    if (!test || test.size === 0) return NaN;
    materialise(Y);
    const sse = squaredErrorRange(test.users, test.items, test.ratings, 0, test.size, { P, Q, userBias, itemBias, dim }, mu, test.scale.min, test.scale.max);
    return Math.sqrt(sse / test.size);
  };

  // The PoC's optimizer (-b/-s/-m): minibatches with momentum instead of the per-user SGD above.
  const momentum = p.optimizer === 'momentum' ? nsvdMomentumRunner(rows, rule, { ...live, dim }, p, mu, rng) : undefined;
  const { loop, best } = await runEpochsKeepingBest(
    snapshot,
    { runEpoch: momentum?.runEpoch ?? runEpoch, testRmse },
    { epochs: momentum?.rounds ?? p.epochs, patience: p.patience, hasTest: !!test && test.size > 0, deadline: options.deadline, onProgress: options.onProgress },
  );
  materialise(best.Y);
  const factors: Factors = {
    kind: 'nsvd',
    scoring: 'rating',
    dim,
    nUsers: nU,
    nItems: nI,
    mu,
    scale: train.scale,
    P,
    Q: best.Q,
    Y: best.Y,
    userBias: best.userBias,
    itemBias: best.itemBias,
    foldIn: { size: rule.size, cap: rule.cap, reg: p.reg, regBias: p.regBias },
  };
  return { factors, resolvedParams: p, curve: loop.curve, ...(loop.stoppedBy ? { stoppedBy: loop.stoppedBy } : {}) };
}
