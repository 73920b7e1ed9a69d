/**
 * SVD: biased matrix factorisation (Funk; Koren, Bell & Volinsky 2009).
 *
 *   r̂(u, i) = mu + b_u + b_i + p_u · q_i
 *
 * Default optimizer 'sgd': per-rating SGD minimising
 *   Σ (r - r̂)² + reg (|p_u|² + |q_i|²) + regBias (b_u² + b_i²),
 * with e = r - r̂:  b_u += lr (e - regBias b_u),  b_i += lr (e - regBias b_i),
 *   p_u += lr (e q_i - reg p_u),  q_i += lr (e p_u - reg q_i)   (simultaneous),
 * lr decayed by lrDecay each epoch. Multi-threaded by LIBMF/DSGD block scheduling
 * (kernels/blocks.ts, kernels/sgd-tasks.ts) with a WebAssembly SIMD kernel
 * (kernels/assembly/sgd.ts; 'js' kernel for dims that are not a multiple of 4). The
 * result depends on params and seed only, not on the number of threads, as long as
 * the grid is the same (default grid 8 for 1-4 threads).
 *
 * Optimizer 'momentum': the PoC's minibatch gradient descent with momentum
 * (`batch`, `steps`, `lr`, `momentum`; see kernels/momentum-kernel.ts).
 *
 * Factors start N(0, initStd²), biases 0, mu = mean training rating.
 * Early stopping: with a test set, training stops after `patience` epochs without a
 * better test RMSE and returns the best epoch's factors.
 *
 * Defaults (SVD_DEFAULTS): dim 200, lr 0.007 (no decay), reg 0.09, regBias 0.01,
 * initStd 0.01, up to 100 epochs with patience 5. `npm run tune -- --model svd`
 * reruns the nested search over the grid in svdTraining.tuning.
 */
import * as z from 'zod';
import { meanRating, nItems, nUsers, type Dataset } from '../../data/dataset';
import { buildBlocks, unpermuteRowsInPlace, type BlockedRatings } from '../kernels/blocks';
import { createMomentumState, momentumStep } from '../kernels/momentum-kernel';
import { WorkerPool } from '../kernels/pool';
import { createRng, fillGaussian, permutation, skipGaussian, type Rng } from '../../data/random';
import { squaredErrorRange, type SgdTables } from '../kernels/sgd-kernel';
import { runStratum, type SgdJob } from '../kernels/sgd-tasks';
import { allocate } from '../kernels/shared';
import { WasmArena, type WasmMemory } from '../../wasm/runtime';
import { ratingBytes, releaseMemory } from '../kernels/release-memory';
import { sgdWasmModule, wasmSgdAvailable } from '../kernels/wasm-sgd';
import { minibatchRounds } from '../kernels/minibatch-rounds';
import { runEpochsKeepingBest, Snapshot, type EpochRunner } from '../kernels/training-loop';
import type { Factors } from '../../math/factors';
import type { FitOptions, FitResult, TrainingPart } from '../contract';
import { ModelParamsError, MOMENTUM_FIELD_DEFAULTS, momentumParamFields, optimizerOverrides, parseParams, sgdParamFields } from '../params';

export const SvdParamsSchema = z
  .object({
    ...sgdParamFields,
    /** Blocks per side of the SGD grid; 0 = max(8, 2 x threads). */
    grid: z.number().int().min(0).max(1024),
    ...momentumParamFields,
  })
  .strict();
export type SvdParams = z.infer<typeof SvdParamsSchema>;

export const SVD_DEFAULTS: Readonly<SvdParams> = Object.freeze({
  dim: 200,
  epochs: 100,
  lr: 0.007,
  lrDecay: 1,
  reg: 0.09,
  regBias: 0.01,
  initStd: 0.01,
  patience: 5,
  grid: 0,
  ...MOMENTUM_FIELD_DEFAULTS,
  kernel: 'auto',
});

function chooseWasm(p: SvdParams): boolean {
  if (p.kernel === 'js') return false;
  const possible = p.dim % 4 === 0 && wasmSgdAvailable();
  if (p.kernel === 'wasm' && !possible) {
    throw new ModelParamsError(`svd params: kernel 'wasm' needs dim to be a multiple of 4 (got ${p.dim}) and WebAssembly SIMD`);
  }
  return possible;
}

export const defaultGrid = (threads: number): number => Math.max(8, 2 * threads);

export const svdTraining: TrainingPart<typeof SvdParamsSchema> = {
  kind: 'svd',
  schema: SvdParamsSchema,
  defaults: SVD_DEFAULTS,
  resolve: (overrides = {}) => parseParams('svd', SvdParamsSchema, { ...SVD_DEFAULTS, ...optimizerOverrides(overrides), ...overrides }),
  stopsEarly: (p) => p.patience > 0,
  tuning: { metric: 'rmse', grid: { dim: [100, 200], lr: [0.005, 0.007], reg: [0.05, 0.09, 0.12] } },
  feedback: ['explicit'],
  fit: (train, p, options) => fitSvd(train, p, options),
};

/** Fits SVD with resolved params (svdTraining.resolve); async so that a bad param is a rejection (it awaits nothing itself, so `train` is not held past the call). */
export async function fitSvd(train: Dataset, p: SvdParams, options: FitOptions = {}): Promise<FitResult<SvdParams>> {
  return runSvd(prepareSvd(train, p, options), p, options);
}

/** A job ready to train: the ratings regrouped into blocks, the factors not yet drawn. */
interface SvdJob {
  data: BlockedRatings;
  tables: SgdTables;
  mu: number;
  scale: Dataset['scale'];
  /** The stream past the factors' draws (blocks, then each epoch's order). */
  rng: Rng;
  arena: { arena: WasmArena; memory: WasmMemory; slots: Record<'users' | 'items' | 'ratings' | 'P' | 'Q' | 'userBias' | 'itemBias', number> } | undefined;
  shared: boolean;
  inputBytes: number;
}

/**
 * Synchronous, so that it has read all it needs of `train` before the caller's code
 * after its call to fit runs (and may drop the data set): see releaseMemory. The
 * factors are drawn later, once the data set's memory can be given back, from the
 * start of the same stream (`skipGaussian` steps over their draws here).
 */
function prepareSvd(train: Dataset, p: SvdParams, options: FitOptions): SvdJob {
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const nU = nUsers(train);
  const nI = nItems(train);
  const rng = createRng(options.seed ?? 1);
  skipGaussian(nU * p.dim, rng);
  skipGaussian(nI * p.dim, rng);
  const useWasm = p.optimizer === 'sgd' && chooseWasm(p);
  const shared = useWasm || (threads > 1 && p.optimizer === 'sgd');
  const arena = useWasm ? new WasmArena() : undefined;
  const slots = arena && {
    users: arena.reserve(Int32Array, train.size),
    items: arena.reserve(Int32Array, train.size),
    ratings: arena.reserve(Float32Array, train.size),
    P: arena.reserve(Float32Array, nU * p.dim),
    Q: arena.reserve(Float32Array, nI * p.dim),
    userBias: arena.reserve(Float32Array, nU),
    itemBias: arena.reserve(Float32Array, nI),
  };
  const memory = arena?.commit();
  const f32 = (slot: number | undefined, length: number) =>
    arena && slot !== undefined ? arena.view<Float32Array>(slot) : allocate(Float32Array, length, shared);
  const tables: SgdTables = {
    dim: p.dim,
    P: f32(slots?.P, nU * p.dim),
    Q: f32(slots?.Q, nI * p.dim),
    userBias: f32(slots?.userBias, nU),
    itemBias: f32(slots?.itemBias, nI),
  };
  const grid = p.optimizer === 'momentum' ? 1 : p.grid || defaultGrid(threads);
  const storage = arena &&
    slots && {
      users: arena.view<Int32Array>(slots.users),
      items: arena.view<Int32Array>(slots.items),
      ratings: arena.view<Float32Array>(slots.ratings),
    };
  // Minibatches are slices of the shuffled ratings, so the momentum optimizer keeps them unsorted.
  const data = buildBlocks(train, nU, nI, grid, rng, shared, storage, p.optimizer === 'sgd');
  return {
    data,
    tables,
    mu: meanRating(train),
    scale: train.scale,
    rng,
    arena: arena && memory && slots ? { arena, memory, slots } : undefined,
    shared,
    inputBytes: ratingBytes(train),
  };
}

async function runSvd(job: SvdJob, p: SvdParams, options: FitOptions): Promise<FitResult<SvdParams>> {
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const { data, tables, mu, rng, shared } = job;
  const nU = data.userSlot.length;
  const nI = data.itemSlot.length;
  await releaseMemory(job.inputBytes);
  const init = createRng(options.seed ?? 1);
  fillGaussian(tables.P, p.initStd, init);
  fillGaussian(tables.Q, p.initStd, init);
  const test = options.test;
  const { userSlot, itemSlot, grid } = data;
  const testRmse = () => (test && test.size > 0 ? datasetRmse(test, tables, mu, userSlot, itemSlot) : NaN);
  const live = { P: tables.P, Q: tables.Q, userBias: tables.userBias, itemBias: tables.itemBias };
  const snapshot = new Snapshot(
    live,
    // Training is over: the best tables (saved, or the live ones: no second P) are put in index order in place.
    (rows) => {
      unpermuteRowsInPlace(rows.P, userSlot, p.dim);
      unpermuteRowsInPlace(rows.Q, itemSlot, p.dim);
      unpermuteRowsInPlace(rows.userBias, userSlot, 1);
      unpermuteRowsInPlace(rows.itemBias, itemSlot, 1);
    },
  );

  let pool: WorkerPool | undefined;
  try {
    let runner: Omit<EpochRunner, 'saveBest'>;
    let epochs = p.epochs;
    if (p.optimizer === 'momentum') {
      const stepped = momentumRunner(data, tables, p, mu);
      runner = { ...stepped.runner, testRmse };
      epochs = stepped.rounds;
    } else {
      const wasm = job.arena;
      const sgdJob: SgdJob = {
        data,
        tables,
        counter: allocate(Int32Array, 1, shared),
        blockSse: allocate(Float64Array, grid * grid, shared),
        ...(wasm
          ? {
              wasm: {
                module: sgdWasmModule(),
                memory: wasm.memory,
                layout: {
                  users: wasm.arena.offset(wasm.slots.users),
                  items: wasm.arena.offset(wasm.slots.items),
                  ratings: wasm.arena.offset(wasm.slots.ratings),
                  P: wasm.arena.offset(wasm.slots.P),
                  Q: wasm.arena.offset(wasm.slots.Q),
                  userBias: wasm.arena.offset(wasm.slots.userBias),
                  itemBias: wasm.arena.offset(wasm.slots.itemBias),
                },
              },
            }
          : {}),
      };
      if (threads > 1) {
        pool = await WorkerPool.create(threads);
        await pool.broadcast('sgd.attach', sgdJob);
      }
      runner = { runEpoch: sgdEpoch(sgdJob, p, mu, rng, pool), testRmse };
    }
    const { loop, best } = await runEpochsKeepingBest(snapshot, runner, {
      epochs,
      patience: p.patience,
      hasTest: !!test && test.size > 0,
      deadline: options.deadline,
      onProgress: options.onProgress,
    });
    const factors: Factors = {
      kind: 'svd',
      scoring: 'rating',
      dim: p.dim,
      nUsers: nU,
      nItems: nI,
      mu,
      scale: job.scale,
      P: best.P,
      Q: best.Q,
      userBias: best.userBias,
      itemBias: best.itemBias,
      foldIn: { reg: p.reg, regBias: p.regBias },
    };
    return { factors, resolvedParams: p, curve: loop.curve, ...(loop.stoppedBy ? { stoppedBy: loop.stoppedBy } : {}) };
  } finally {
    await pool?.close();
  }
}

function sgdEpoch(job: SgdJob, p: SvdParams, mu: number, rng: Rng, pool: WorkerPool | undefined) {
  const { grid, blockStart } = job.data;
  let steps = 0;
  return async (epoch: number, stop: () => boolean) => {
    const step = { mu, lr: p.lr * Math.pow(p.lrDecay, epoch - 1), reg: p.reg, regBias: p.regBias };
    const shifts = permutation(grid, rng);
    let sse = 0;
    let count = 0;
    let interrupted = false;
    for (let s = 0; s < grid; s++) {
      if (s > 0 && stop()) {
        interrupted = true;
        break;
      }
      const args = { ...step, shift: shifts[s]! };
      job.counter[0] = 0;
      if (pool) await pool.broadcast('sgd.stratum', args);
      else runStratum(job, args);
      for (let a = 0; a < grid; a++) {
        const block = a * grid + ((a + args.shift) % grid);
        sse += job.blockSse[block]!;
        count += blockStart[block + 1]! - blockStart[block]!;
      }
    }
    steps += count;
    return { trainRmse: count ? Math.sqrt(sse / count) : NaN, step: steps, interrupted };
  };
}

function momentumRunner(data: BlockedRatings, tables: SgdTables, p: SvdParams, mu: number) {
  const batch = Math.min(p.batch, Math.max(1, data.size));
  const state = createMomentumState(tables.P.length / tables.dim, tables.Q.length / tables.dim, tables.dim, batch);
  const step = { mu, lr: p.lr, momentum: p.momentum, reg: p.reg, regBias: p.regBias };
  const { runEpoch, rounds } = minibatchRounds(data.size, p, (from, to) => momentumStep(data.users, data.items, data.ratings, from, to, tables, step, state));
  return { runner: { runEpoch }, rounds };
}

/** RMSE of clipped predictions over a data set (the early-stopping signal). */
export function datasetRmse(d: Dataset, t: SgdTables, mu: number, userSlot?: Int32Array, itemSlot?: Int32Array): number {
  if (d.size === 0) return NaN;
  const sse = squaredErrorRange(d.users, d.items, d.ratings, 0, d.size, t, mu, d.scale.min, d.scale.max, userSlot, itemSlot);
  return Math.sqrt(sse / d.size);
}
