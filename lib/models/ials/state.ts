/**
 * Lays out an iALS job's tables: in one WebAssembly memory for the SIMD kernel, over
 * SharedArrayBuffers for JS threads, or as ordinary arrays for one JS thread.
 */
import type { CsrArrays } from '../../data/csr';
import { WasmArena } from '../../wasm/runtime';
import { allocate } from '../kernels/shared';
import { rowReg } from './fold-in';
import type { HalfStepParams, WeightedCsr } from './solve';
import { GRAM_PARTS, type SharedIalsState } from './tasks';
import { ialsWasmModule, type BatchedLayout } from './wasm';
import { splitRows } from './workers';
import type { Side } from './tasks';

/** A batched side's sparse products are summed in this many parts of the other side (fixed, so results do not depend on threads). */
export const BATCH_PARTS = 4;
/**
 * A side's first rows are solved as one batched CG (assembly/ials.ts) when their CG
 * vectors and the parts' buffers fit in this many bytes, so that they stay in cache
 * while the other side's table streams past.
 */
export const BATCH_LIMIT_BYTES = 4 << 20;
/** A prefix that is not the whole side is batched only when it holds at least this share of the side's entries. */
const BATCH_MIN_SHARE = 0.25;
/** Bytes of CG vectors and parts per batched row. */
export const batchRowBytes = (dim: number): number => dim * 4 * (BATCH_PARTS + 3);

/**
 * How many of a side's first rows to solve batched: all of them when they fit, else
 * the prefix that fits if it holds enough of the entries (train.ts orders items by
 * popularity, so a Zipf-like catalogue's head is that prefix), else none.
 */
export function batchedRows(offsets: Uint32Array, dim: number, limitBytes: number): number {
  const rows = offsets.length - 1;
  const fit = Math.min(rows, Math.floor(limitBytes / batchRowBytes(dim)));
  if (fit === rows) return rows;
  return fit > 0 && offsets[fit]! >= BATCH_MIN_SHARE * offsets[rows]! ? fit : 0;
}

/**
 * A job's interactions: `entries` per side, written by `fill` straight into the two CSR
 * tables that ialsState lays out (offsets: rows + 1; cols and weights: entries), so
 * that no other copy of them exists while the job runs.
 */
export interface IalsSource {
  entries: number;
  fill(users: WeightedCsr, items: WeightedCsr): void;
}

/** A weighted table as the data layer's CSR arrays, to be filled with ratings and then weighted in place. */
export const asCsrArrays = (c: WeightedCsr): CsrArrays => ({ offsets: c.offsets, cols: c.cols, values: c.weights });

export function ialsState(
  nUsers: number,
  nItems: number,
  source: IalsSource,
  params: HalfStepParams,
  how: { threads: number; wasm: boolean; batchLimitBytes?: number },
): SharedIalsState {
  const { dim } = params;
  if (how.wasm) return wasmState(nUsers, nItems, source, params, how.threads, how.batchLimitBytes ?? BATCH_LIMIT_BYTES);
  const shared = how.threads > 1;
  const f32 = (n: number): Float32Array => allocate(Float32Array, n, shared);
  const f64 = (n: number): Float64Array => allocate(Float64Array, n, shared);
  const csr = (rows: number): WeightedCsr => ({ offsets: allocate(Uint32Array, rows + 1, shared), cols: allocate(Int32Array, source.entries, shared), weights: f32(source.entries) });
  const [userCsr, itemCsr] = [csr(nUsers), csr(nItems)];
  source.fill(userCsr, itemCsr);
  return {
    nUsers,
    nItems,
    userCsr,
    itemCsr,
    P: f32(nUsers * dim),
    Q: f32(nItems * dim),
    gram: f64(dim * dim),
    gramParts: f64(GRAM_PARTS * dim * dim),
    params,
  };
}

function wasmState(
  nUsers: number,
  nItems: number,
  source: IalsSource,
  params: HalfStepParams,
  threads: number,
  batchLimitBytes: number,
): SharedIalsState {
  const { dim } = params;
  const arena = new WasmArena();
  // Batch slots are reserved for as many rows as fit; how many are used is known once the CSR is filled.
  const batchSlots = (rows: number) => {
    const most = Math.min(rows, Math.floor(batchLimitBytes / batchRowBytes(dim)));
    if (most === 0) return undefined;
    const table = () => arena.reserve(Float32Array, most * dim);
    return { R: table(), P: table(), AP: table(), rs: arena.reserve(Float32Array, most), parts: arena.reserve(Float32Array, BATCH_PARTS * most * dim) };
  };
  const csrSlots = (rows: number) => ({
    offsets: arena.reserve(Uint32Array, rows + 1),
    cols: arena.reserve(Int32Array, source.entries),
    weights: arena.reserve(Float32Array, source.entries),
  });
  const scratchBytes = 12 * dim + 4 * dim * dim;
  const slots = {
    user: csrSlots(nUsers),
    item: csrSlots(nItems),
    userBatch: batchSlots(nUsers),
    itemBatch: batchSlots(nItems),
    P: arena.reserve(Float32Array, nUsers * dim),
    Q: arena.reserve(Float32Array, nItems * dim),
    gram32: arena.reserve(Float32Array, dim * dim),
    gram: arena.reserve(Float64Array, dim * dim),
    gramParts: arena.reserve(Float64Array, GRAM_PARTS * dim * dim),
    scratch: arena.reserve(Float32Array, (threads * scratchBytes) / 4),
    userLambdas: arena.reserve(Float32Array, nUsers),
    itemLambdas: arena.reserve(Float32Array, nItems),
  };
  const memory = arena.commit();
  const place = (at: typeof slots.user): WeightedCsr => ({ offsets: arena.view<Uint32Array>(at.offsets), cols: arena.view<Int32Array>(at.cols), weights: arena.view<Float32Array>(at.weights) });
  const [userCsr, itemCsr] = [place(slots.user), place(slots.item)];
  source.fill(userCsr, itemCsr);
  const batched: Partial<Record<Side, BatchedLayout>> = {};
  const layOut = (side: Side, b: typeof slots.userBatch, own: WeightedCsr, other: WeightedCsr): void => {
    const rows = b ? batchedRows(own.offsets, dim, batchLimitBytes) : 0;
    if (!b || rows === 0) return;
    batched[side] = {
      R: arena.offset(b.R),
      P: arena.offset(b.P),
      AP: arena.offset(b.AP),
      rs: arena.offset(b.rs),
      parts: arena.offset(b.parts),
      rows,
      partBytes: rows * dim * 4,
      partRows: splitRows(other.offsets, dim, BATCH_PARTS),
    };
  };
  layOut('users', slots.userBatch, userCsr, itemCsr);
  layOut('items', slots.itemBatch, itemCsr, userCsr);
  rowLambdas(userCsr, nItems, params, arena.view<Float32Array>(slots.userLambdas));
  rowLambdas(itemCsr, nUsers, params, arena.view<Float32Array>(slots.itemLambdas));
  return {
    nUsers,
    nItems,
    userCsr,
    itemCsr,
    P: arena.view<Float32Array>(slots.P),
    Q: arena.view<Float32Array>(slots.Q),
    gram: arena.view<Float64Array>(slots.gram),
    gram32: arena.view<Float32Array>(slots.gram32),
    gramParts: arena.view<Float64Array>(slots.gramParts),
    params,
    wasm: {
      module: ialsWasmModule(),
      memory,
      layout: {
        userOffsets: arena.offset(slots.user.offsets),
        userCols: arena.offset(slots.user.cols),
        userWeights: arena.offset(slots.user.weights),
        itemOffsets: arena.offset(slots.item.offsets),
        itemCols: arena.offset(slots.item.cols),
        itemWeights: arena.offset(slots.item.weights),
        P: arena.offset(slots.P),
        Q: arena.offset(slots.Q),
        gram: arena.offset(slots.gram32),
        scratch: arena.offset(slots.scratch),
        scratchBytes,
        userLambdas: arena.offset(slots.userLambdas),
        itemLambdas: arena.offset(slots.itemLambdas),
        batched,
      },
    },
  };
}

/** Each row's λ_u (fold-in.ts rowReg), fixed for a job, into out[0..rows). */
export function rowLambdas(csr: WeightedCsr, nCols: number, p: HalfStepParams, out: Float32Array | Float64Array): void {
  const { offsets, weights } = csr;
  for (let u = 0; u < out.length; u++) {
    let weightSum = 0;
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) weightSum += weights[k]!;
    out[u] = rowReg(p, nCols, weightSum);
  }
}

/** Σ λ_r ‖x_r‖² over the rows [0, lambdas.length) of `factors` that have ratings (`offsets`): a side's regulariser in the objective. */
export function regulariser(factors: Float32Array, offsets: ArrayLike<number>, lambdas: Float64Array, dim: number): number {
  let loss = 0;
  for (let r = 0; r < lambdas.length; r++) {
    if (offsets[r + 1] === offsets[r]) continue;
    let norm = 0;
    for (let a = 0; a < dim; a++) norm += factors[r * dim + a]! * factors[r * dim + a]!;
    loss += lambdas[r]! * norm;
  }
  return loss;
}
