/**
 * iALS tasks for the shared kernel worker pool (lib/models/kernels/pool.ts): a job
 * attaches the shared tables once, then each half-step sends one row range per thread
 * (the Gram matrix of the fixed side, the rows' solves, the objective). Each thread
 * runs one kernel: the WebAssembly SIMD one (assembly/ials.ts) when the job has
 * `wasm`, else the JS reference (solve.ts).
 */
import { gram } from '../../math/linalg/dense';
import type { TaskContext } from '../kernels/tasks';
import { rowReg } from './fold-in';
import { HalfStepSolver, type HalfStepParams, type WeightedCsr } from './solve';
import { bindIalsWasm, type IalsWasm } from './wasm';

/** Everything a thread needs; with more than one thread every typed array is over a SharedArrayBuffer. */
export interface SharedIalsState {
  nUsers: number;
  nItems: number;
  userCsr: WeightedCsr;
  itemCsr: WeightedCsr;
  P: Float32Array;
  Q: Float32Array;
  /** The fixed side's Gram matrix, written by the calling thread before each half-step. */
  gram: Float64Array;
  /** The wasm kernel's copy of `gram` in float32 (a view of its memory). */
  gram32?: Float32Array;
  /** The next Gram matrix in GRAM_PARTS parts of consecutive rows: GRAM_PARTS x dim x dim. */
  gramParts: Float64Array;
  params: HalfStepParams;
  /** When set, the arrays above are views of this memory and the SIMD kernel runs. */
  wasm?: IalsWasm;
}

export type Side = 'users' | 'items';

/**
 * The Gram matrix is summed in this many fixed parts of rows, whichever thread sums
 * which, so that it (and so the model) is the same for any number of threads.
 */
export const GRAM_PARTS = 8;
const partStart = (rows: number, part: number): number => Math.round((rows * part) / GRAM_PARTS);

export interface RowRange {
  side: Side;
  start: number;
  end: number;
}

/** One thread's kernel over a job's state. */
export interface IalsKernel {
  /**
   * Solves rows [start, end) of `side` against the other side and `gram`; for the
   * users, returns what userObjective(start, end) would then return (else 0).
   */
  halfStep(side: Side, start: number, end: number): number;
  /** gramParts[p] = Σ x xᵀ over part p's rows of `side`'s factors (upper triangle at least), for parts [from, to). */
  gramParts(side: Side, from: number, to: number): void;
  /** Batched CG (wasm only, sides in wasm.layout.batched): the sparse products of parts [start, end). */
  batchedSparse(side: Side, start: number, end: number, first: boolean): void;
  /** Batched CG: the dense part and the updates of target rows [start, end). */
  batchedDense(side: Side, start: number, end: number, first: boolean): void;
  /** The users' observed part of the objective over [start, end): Σ [(1 + w)(1 − ŷ)² − ŷ²] + λ_u ‖x_u‖². */
  userObjective(start: number, end: number): number;
}

function sideArgs(s: SharedIalsState, side: Side) {
  return side === 'users'
    ? { csr: s.userCsr, nCols: s.nItems, fixed: s.Q, target: s.P }
    : { csr: s.itemCsr, nCols: s.nUsers, fixed: s.P, target: s.Q };
}

/** The JS reference kernel, float64 arithmetic. */
export function jsKernel(s: SharedIalsState): IalsKernel {
  const solver = new HalfStepSolver(s.params.dim);
  const { dim } = s.params;
  const noBatches = (): never => {
    throw new Error('batched iALS steps run only in the wasm kernel');
  };
  const kernel: IalsKernel = {
    batchedSparse: noBatches,
    batchedDense: noBatches,
    halfStep(side, start, end) {
      const { csr, nCols, fixed, target } = sideArgs(s, side);
      solver.solveRows(csr, nCols, fixed, s.gram, target, s.params, start, end);
      return side === 'users' ? kernel.userObjective(start, end) : 0;
    },
    gramParts(side, from, to) {
      const X = side === 'users' ? s.P : s.Q;
      const rows = side === 'users' ? s.nUsers : s.nItems;
      for (let p = from; p < to; p++) {
        const [start, end] = [partStart(rows, p), partStart(rows, p + 1)];
        gram(X.subarray(start * dim, end * dim), end - start, dim, s.gramParts.subarray(p * dim * dim, (p + 1) * dim * dim));
      }
    },
    userObjective(start, end) {
      const { P, Q, userCsr } = s;
      let loss = 0;
      for (let u = start; u < end; u++) {
        const pOff = u * dim;
        let norm = 0;
        for (let a = 0; a < dim; a++) norm += P[pOff + a]! * P[pOff + a]!;
        const from = userCsr.offsets[u]!;
        const to = userCsr.offsets[u + 1]!;
        if (from === to) continue;
        let weightSum = 0;
        for (let k = from; k < to; k++) {
          const w = userCsr.weights[k]!;
          weightSum += w;
          const qOff = userCsr.cols[k]! * dim;
          let y = 0;
          for (let a = 0; a < dim; a++) y += P[pOff + a]! * Q[qOff + a]!;
          loss += (1 + w) * (1 - y) * (1 - y) - y * y;
        }
        loss += rowReg(s.params, s.nItems, weightSum) * norm;
      }
      return loss;
    },
  };
  return kernel;
}

/**
 * Rows per call into the row kernels. V8 first runs a wasm function as baseline
 * (Liftoff) code and swaps in the optimised build only at a later call (there is no
 * on-stack replacement in wasm), so one call per thread's whole range would run the
 * first half-step of a job entirely unoptimised.
 */
const ROWS_PER_CALL = 256;

/** The WebAssembly SIMD kernel, float32 arithmetic; `thread` picks its scratch. */
export function wasmKernel(s: SharedIalsState, wasm: IalsWasm, thread: number): IalsKernel {
  const k = bindIalsWasm(wasm);
  const l = wasm.layout;
  const { dim, cgSteps } = s.params;
  const scratch = l.scratch + thread * l.scratchBytes;
  const block = scratch + 12 * dim; // after the 3 rows of dim floats
  const of = (side: Side) =>
    side === 'users'
      ? { offsets: l.userOffsets, cols: l.userCols, weights: l.userWeights, fixed: l.Q, target: l.P, lambdas: l.userLambdas }
      : { offsets: l.itemOffsets, cols: l.itemCols, weights: l.itemWeights, fixed: l.P, target: l.Q, lambdas: l.itemLambdas };
  return {
    halfStep(side, start, end) {
      const a = of(side);
      const withLoss = side === 'users' ? 1 : 0;
      let loss = 0;
      for (let from = start; from < end; from += ROWS_PER_CALL) {
        const to = Math.min(end, from + ROWS_PER_CALL);
        loss += k.solveRows(a.offsets, a.cols, a.weights, from, to, a.fixed, l.gram, a.target, scratch, a.lambdas, dim, cgSteps, withLoss);
      }
      return loss;
    },
    gramParts(side, from, to) {
      const rows = side === 'users' ? s.nUsers : s.nItems;
      for (let p = from; p < to; p++) {
        const part = s.gramParts.subarray(p * dim * dim, (p + 1) * dim * dim);
        part.fill(0);
        k.gramRows(side === 'users' ? l.P : l.Q, partStart(rows, p), partStart(rows, p + 1), dim, block, part.byteOffset);
      }
    },
    batchedSparse(side, start, end, first) {
      const b = l.batched[side]!;
      const other = of(side === 'users' ? 'items' : 'users');
      const X = first ? of(side).target : b.P;
      for (let p = start; p < end; p++) {
        k.batchedSparse(other.offsets, other.cols, other.weights, b.partRows[p]!, b.partRows[p + 1]!, other.target, X, b.parts + p * b.partBytes, b.rows, dim, first ? 1 : 0);
      }
    },
    batchedDense(side, start, end, first) {
      const b = l.batched[side]!;
      const a = of(side);
      k.batchedDense(start, end, b.parts, b.partRows.length - 1, b.partBytes, a.offsets, l.gram, a.lambdas, a.target, b.R, b.P, b.AP, b.rs, dim, first ? 1 : 0);
    },
    userObjective(start, end) {
      const a = of('users');
      let sum = 0;
      for (let from = start; from < end; from += ROWS_PER_CALL) {
        sum += k.userObjective(a.offsets, a.cols, a.weights, from, Math.min(end, from + ROWS_PER_CALL), a.fixed, a.target, a.lambdas, dim);
      }
      return sum;
    },
  };
}

export function kernelFor(s: SharedIalsState, thread: number): IalsKernel {
  return s.wasm ? wasmKernel(s, s.wasm, thread) : jsKernel(s);
}

/** A range of rows of `side` (for 'gramParts' and 'batchedSparse': a range of parts). */
export type IalsTask = { op: 'halfStep' | 'gramParts' | 'userObjective' | 'batchedSparse' | 'batchedDense'; first?: boolean } & RowRange;

/** Runs one task on this thread's kernel. */
export function runTask(kernel: IalsKernel, t: IalsTask): number {
  if (t.op === 'halfStep') return kernel.halfStep(t.side, t.start, t.end);
  if (t.op === 'gramParts') kernel.gramParts(t.side, t.start, t.end);
  else if (t.op === 'batchedSparse') kernel.batchedSparse(t.side, t.start, t.end, t.first === true);
  else if (t.op === 'batchedDense') kernel.batchedDense(t.side, t.start, t.end, t.first === true);
  else return kernel.userObjective(t.start, t.end);
  return 0;
}

const KEY = 'ials';

export const IALS_TASKS = {
  'ials.attach': (args: { state: SharedIalsState; thread: number }, ctx: TaskContext) => {
    ctx.state.set(KEY, kernelFor(args.state, args.thread));
    return true;
  },
  'ials.run': (task: IalsTask, ctx: TaskContext) => {
    const kernel = ctx.state.get(KEY) as IalsKernel | undefined;
    if (!kernel) throw new Error('ials.run before ials.attach');
    return runTask(kernel, task);
  },
  'ials.detach': (_: unknown, ctx: TaskContext) => ctx.state.delete(KEY),
};
