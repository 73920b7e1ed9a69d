/**
 * iALS: implicit-feedback alternating least squares (Hu, Koren & Volinsky 2008), with
 * the conjugate-gradient inner solver of Takács et al. 2011 (as in the implicit
 * library) and the frequency-scaled regulariser of Rendle et al. 2022 ("Revisiting
 * the Performance of iALS on Item Recommendation Benchmarks").
 *
 * Every rating is an interaction: preference p_ui = 1 where u rated i, 0 everywhere
 * else, with confidence c_ui = 1 + α f(r_ui) observed and 1 unobserved. Minimise
 *
 *   Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)²  +  Σ_u λ_u ‖x_u‖²  +  Σ_i λ_i ‖y_i‖²
 *   λ_u = λ · (nItems + Σ_{i∈R(u)} α f(r_ui))^ν   (λ_i likewise over users)
 *
 * by alternating exact-form half-steps, items then users, each row solved with a few
 * CG steps warm-started from its current value (ials-solve.ts); the sum over all
 * unobserved cells is never formed: YᵀC_uY = YᵀY + Yᵀ(C_u − I)Y. The score of (u, i)
 * is x_uᵀ y_i and only orders items (scoring 'ranking': mu 0, no biases).
 *
 * f (`confidence`): 'binary' f = 1, 'linear' f = r, 'log' f = ln(1 + r/ε).
 *
 * Defaults: dim 64, epochs 16, λ 1, ν 0.5, α 1.25, f linear (c = 1 + 1.25 r), 3 CG
 * steps, init N(0, 0.1² / dim), no early stopping (`npm run tune -- --model ials` on
 * ML-100K, 36 points, nested 3 x 3: README; grid in ialsTraining.tuning).
 *
 * Progress, once per epoch: batchError = the training objective above divided by
 * nUsers·nItems (lower is better); testError = 1 − recall@10 on options.test (hits in
 * the top 10 over min(10, |test items|), training items excluded, at most
 * `evalUsers` users), or batchError when there is no test set. With patience > 0 and
 * a test set, training stops after that many epochs without a better testError and
 * returns the best epoch's factors; otherwise the last epoch's.
 */
import * as z from 'zod';
import { fillCsrPair, itemsByPopularity } from '../../data/csr';
import { nItems, nUsers, type Dataset } from '../../data/dataset';
import { createRng, fillGaussian } from '../../data/random';
import { ratingBytes, releaseMemory } from '../kernels/release-memory';
import { ModelParamsError, resolver } from '../params';
import { extraConfidence, type ConfidenceKind, type IalsFoldInParams } from './fold-in';
import { RecallAtK } from './recall';
import type { SharedIalsState } from './tasks';
import { asCsrArrays, ialsState, regulariser, rowLambdas, type IalsSource } from './state';
import { wasmIalsAvailable } from './wasm';
import { IalsThreads } from './workers';
import type { Factors } from '../../math/factors';
import type { FitOptions, FitResult, Progress, TrainingPart } from '../contract';

export interface IalsParams {
  dim: number;
  epochs: number;
  /** λ */
  reg: number;
  /** ν: 0 = plain λ, 1 = λ times the row's total confidence weight. */
  regExponent: number;
  /** α */
  alpha: number;
  confidence: ConfidenceKind;
  /** ε of the log confidence. */
  epsilon: number;
  cgSteps: number;
  /** Initial factors ~ N(0, (initStd² / dim)). */
  initStd: number;
  /** Epochs without a better testError before stopping; 0 = never stop early. */
  patience: number;
  /** At most this many test users for the per-epoch recall@10. */
  evalUsers: number;
  /** 'wasm' (SIMD, float32, needs dim % 4 == 0), 'js' (the float64 reference), or 'auto' (wasm when it can). */
  kernel: 'auto' | 'wasm' | 'js';
}

export const IalsParamsSchema = z
  .object({
  dim: z.number().int().min(1).max(1024),
  epochs: z.number().int().min(0).max(10_000),
  reg: z.number().nonnegative().finite(),
  regExponent: z.number().min(0).max(2),
  alpha: z.number().nonnegative().finite(),
  confidence: z.enum(['binary', 'linear', 'log']),
  epsilon: z.number().positive().finite(),
  cgSteps: z.number().int().min(1).max(1024),
  initStd: z.number().nonnegative().finite(),
  patience: z.number().int().nonnegative(),
  evalUsers: z.number().int().min(1),
  kernel: z.enum(['auto', 'wasm', 'js']),
  })
  .strict();

const defaults: Readonly<IalsParams> = Object.freeze({
  dim: 64,
  epochs: 16,
  reg: 1,
  regExponent: 0.5,
  alpha: 1.25,
  confidence: 'linear',
  epsilon: 1,
  cgSteps: 3,
  initStd: 0.1,
  patience: 0,
  evalUsers: 2000,
  kernel: 'auto',
});

const RECALL_K = 10;

/** Whether a job with these params runs the WebAssembly SIMD kernel. */
export function chooseWasm(p: IalsParams): boolean {
  if (p.kernel === 'js') return false;
  const possible = p.dim % 4 === 0 && wasmIalsAvailable();
  if (p.kernel === 'wasm' && !possible) {
    throw new ModelParamsError(`ials params: kernel 'wasm' needs dim to be a multiple of 4 (got ${p.dim}) and WebAssembly SIMD`);
  }
  return possible;
}

/**
 * The training objective over nUsers·nItems cells, after a users step (so that
 * state.gram = QᵀQ): Σ_u x_uᵀ(QᵀQ)x_u + Σ_{observed} [c(1 − ŷ)² − ŷ²] + regularisers,
 * the users' part summed by the threads' kernels; `itemLambdas` the items' λ_i (fixed
 * for the job).
 */
async function objective(s: SharedIalsState, threads: IalsThreads, itemLambdas: Float64Array): Promise<number> {
  const { dim } = s.params;
  const { Q, itemCsr, nUsers: nU, nItems: nI } = s;
  const loss = (await threads.userObjective()) + regulariser(Q, itemCsr.offsets, itemLambdas, dim);
  return loss / Math.max(1, nU * nI);
}

/** out[order[n]] = rows[n]: rows of dim floats back from popularity order to the data set's. */
export function rowsInOrder(rows: Float32Array, order: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length);
  for (let n = 0; n < order.length; n++) out.set(rows.subarray(n * dim, (n + 1) * dim), order[n]! * dim);
  return out;
}


/** A job ready to train: the tables filled from the data set, which the job no longer references. */
interface IalsJob {
  state: SharedIalsState;
  items: { order: Int32Array; label: Int32Array };
  recall: RecallAtK | undefined;
  scale: Dataset['scale'];
  threads: number;
  /** Bytes of the data set's arrays, which a caller that handed it over has dropped. */
  inputBytes: number;
}

/**
 * Synchronous, so that it has read all it needs of `train` before the caller's code
 * after its call to fit runs (and may drop the data set): see releaseMemory.
 */
function prepare(train: Dataset, params: IalsParams, options: FitOptions): IalsJob {
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  // Items are solved in popularity order, so that the most rated form a prefix that
  // state.ts can batch; Q is put back in the data set's order at the end.
  const items = itemsByPopularity(train);
  const source: IalsSource = {
    entries: train.size,
    fill(users, byItem) {
      fillCsrPair(train, asCsrArrays(users), asCsrArrays(byItem), items.label);
      for (const w of [users.weights, byItem.weights]) for (let k = 0; k < w.length; k++) w[k] = extraConfidence(w[k]!, params);
    },
  };
  const state = ialsState(
    nUsers(train),
    nItems(train),
    source,
    { dim: params.dim, reg: params.reg, regExponent: params.regExponent, cgSteps: params.cgSteps },
    { threads, wasm: chooseWasm(params) },
  );
  const recall = options.test
    ? new RecallAtK(state.userCsr.offsets, state.userCsr.cols, { ...options.test, items: options.test.items.map((i) => items.label[i]!) }, RECALL_K, params.evalUsers)
    : undefined;
  return { state, items, recall, scale: train.scale, threads, inputBytes: ratingBytes(train) };
}

/** Async so that a bad param is a rejection; it awaits nothing itself, so `train` is not held past the call. */
async function fit(train: Dataset, params: IalsParams, options: FitOptions = {}): Promise<FitResult<IalsParams>> {
  return run(prepare(train, params, options), params, options);
}

async function run(job: IalsJob, params: IalsParams, options: FitOptions): Promise<FitResult<IalsParams>> {
  const { state, items, recall, threads } = job;
  const { dim } = params;
  const { P, Q, nUsers: nU, nItems: nI } = state;
  await releaseMemory(job.inputBytes);
  const rng = createRng(options.seed ?? 42);
  const std = params.initStd / Math.sqrt(dim);
  fillGaussian(P, std, rng);
  fillGaussian(Q, std, rng);

  const curve: Progress[] = [];
  let stoppedBy: string | undefined;
  let bestError = Infinity;
  let best: { P: Float32Array; Q: Float32Array } | undefined;
  let sinceBest = 0;
  const earlyStopping = params.patience > 0 && recall !== undefined;
  const itemLambdas = new Float64Array(nI);
  rowLambdas(state.itemCsr, nU, state.params, itemLambdas);
  const pool = await IalsThreads.start(state, threads);
  // The clock starts after setup (the CSR tables, the workers), as the other kinds' do.
  const started = Date.now();
  try {
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
      if (options.deadline !== undefined && Date.now() > options.deadline) {
        stoppedBy = 'deadline';
        break;
      }
      await pool.halfStep('items');
      await pool.halfStep('users');
      const batchError = await objective(state, pool, itemLambdas);
      const testError = recall ? 1 - recall.measure(P, Q, dim) : batchError;
      const improved = testError < bestError;
      if (improved) {
        bestError = testError;
        sinceBest = 0;
        if (earlyStopping) best = { P: P.slice(), Q: Q.slice() };
      } else {
        sinceBest++;
      }
      const point: Progress = { epoch, step: epoch, batchError, testError, elapsedMs: Date.now() - started, best: improved };
      curve.push(point);
      options.onProgress?.(point);
      if (earlyStopping && sinceBest >= params.patience) {
        stoppedBy = 'early-stopping';
        break;
      }
    }
  } finally {
    await pool.close();
  }

  const foldIn: IalsFoldInParams = {
    reg: params.reg,
    regExponent: params.regExponent,
    alpha: params.alpha,
    confidence: params.confidence,
    epsilon: params.epsilon,
  };
  const factors: Factors = {
    kind: 'ials',
    scoring: 'ranking',
    dim,
    nUsers: nU,
    nItems: nI,
    mu: 0,
    scale: job.scale,
    // The live P as it is, in users' order already: a copy would double its bytes at
    // the peak. It may be a view of the kernel's shared memory, which it then keeps.
    P: best?.P ?? P,
    Q: rowsInOrder(best?.Q ?? Q, items.order, dim),
    foldIn: { ...foldIn },
  };
  return { factors, resolvedParams: params, curve, ...(stoppedBy ? { stoppedBy } : {}) };
}

export const ialsTraining: TrainingPart<typeof IalsParamsSchema> = {
  kind: 'ials',
  schema: IalsParamsSchema,
  defaults,
  resolve: resolver('ials', IalsParamsSchema, defaults),
  stopsEarly: (p) => p.patience > 0,
  // reg's scale depends on ν (λ_u = λ·(nItems + Σ αf)^ν): the grid crosses them so each ν meets a λ of its scale.
  tuning: { metric: 'ndcg@10', grid: { dim: [32, 64], reg: [1, 6, 45], regExponent: [0, 0.25, 0.5], alpha: [0.5, 1.25] } },
  feedback: ['explicit', 'implicit'],
  fit,
};
