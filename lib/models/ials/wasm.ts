/**
 * The WebAssembly SIMD build of the iALS kernels (assembly/ials.ts): the module, the
 * layout of a job's arrays in one shared memory, and the kernels bound to it per thread.
 */
import { instantiate, lazyModule, type WasmMemory, type WasmModule } from '../../wasm/runtime';
import { IALS_WASM_BASE64 } from './ials-wasm.generated';

const ials = lazyModule(IALS_WASM_BASE64);
/** Whether this runtime can compile the kernel (SIMD + shared memory). */
export const wasmIalsAvailable = ials.available;
export const ialsWasmModule = ials.module;

/** Byte offsets of a job's arrays in the memory. */
export interface IalsWasmLayout {
  userOffsets: number;
  userCols: number;
  userWeights: number;
  itemOffsets: number;
  itemCols: number;
  itemWeights: number;
  P: number;
  Q: number;
  /** The fixed side's Gram matrix as float32 (dim x dim). */
  gram: number;
  /** Per thread: 3 rows of dim floats, then a dim x dim float block. */
  scratch: number;
  scratchBytes: number;
  /** Each row's λ (float32), users then items. */
  userLambdas: number;
  itemLambdas: number;
  /** The sides solved as one batched CG (assembly/ials.ts batchedSparse/batchedDense). */
  batched: Partial<Record<'users' | 'items', BatchedLayout>>;
}

/** A batched side's CG vectors (rows x dim f32 each), ‖r‖² per row, and the sparse products' parts. */
export interface BatchedLayout {
  /** The side's rows [0, rows) are batched; the rest are solved row by row. */
  rows: number;
  R: number;
  P: number;
  AP: number;
  rs: number;
  parts: number;
  partBytes: number;
  /** Row bounds on the other side of each of the BATCH_PARTS parts. */
  partRows: Uint32Array;
}

export interface IalsWasm {
  module: WasmModule;
  memory: WasmMemory;
  layout: IalsWasmLayout;
}

type SolveRowsFn = (
  offsets: number,
  cols: number,
  weights: number,
  start: number,
  end: number,
  fixed: number,
  gram: number,
  target: number,
  scratch: number,
  lambdas: number,
  dim: number,
  cgSteps: number,
  withLoss: number,
) => number;
type GramRowsFn = (X: number, start: number, end: number, dim: number, acc: number, out: number) => void;
type UserObjectiveFn = (
  offsets: number,
  cols: number,
  weights: number,
  start: number,
  end: number,
  fixed: number,
  target: number,
  lambdas: number,
  dim: number,
) => number;

type BatchedSparseFn = (
  offsets: number,
  cols: number,
  weights: number,
  start: number,
  end: number,
  fixed: number,
  X: number,
  out: number,
  targetRows: number,
  dim: number,
  first: number,
) => void;
type BatchedDenseFn = (
  start: number,
  end: number,
  parts: number,
  nParts: number,
  partBytes: number,
  offsets: number,
  gram: number,
  lambdas: number,
  X: number,
  R: number,
  P: number,
  AP: number,
  rs: number,
  dim: number,
  first: number,
) => void;

export interface IalsWasmKernels {
  solveRows: SolveRowsFn;
  gramRows: GramRowsFn;
  userObjective: UserObjectiveFn;
  batchedSparse: BatchedSparseFn;
  batchedDense: BatchedDenseFn;
}

/** The kernels bound to the job's memory (one instance per thread). */
export function bindIalsWasm(w: IalsWasm): IalsWasmKernels {
  const e = instantiate(w.module, w.memory);
  return {
    solveRows: e.solveRows as SolveRowsFn,
    gramRows: e.gramRows as GramRowsFn,
    userObjective: e.userObjective as UserObjectiveFn,
    batchedSparse: e.batchedSparse as BatchedSparseFn,
    batchedDense: e.batchedDense as BatchedDenseFn,
  };
}
