/**
 * Lays out an iALS job's tables: in one WebAssembly memory for the SIMD kernel, over
 * SharedArrayBuffers for JS threads, or as ordinary arrays for one JS thread.
 */
import { WasmArena } from '../kernels/wasm';
import type { HalfStepParams, WeightedCsr } from './solve';
import { GRAM_PARTS, type SharedIalsState } from './tasks';
import { ialsWasmModule, type BatchedLayout } from './wasm';
import { splitRows, toShared } from './workers';
import type { Side } from './tasks';

/** A batched side's sparse products are summed in this many parts of the other side (fixed, so results do not depend on threads). */
export const BATCH_PARTS = 4;
/**
 * A side is solved as one batched CG (assembly/ials.ts) when its CG vectors and the
 * parts' buffers fit in this many bytes, so that they stay in cache while the other
 * side's table streams past.
 */
export const BATCH_LIMIT_BYTES = 4 << 20;
const batchBytes = (rows: number, dim: number): number => rows * dim * 4 * (BATCH_PARTS + 3);

export function ialsState(
  nUsers: number,
  nItems: number,
  userCsr: WeightedCsr,
  itemCsr: WeightedCsr,
  params: HalfStepParams,
  how: { threads: number; wasm: boolean; batchLimitBytes?: number },
): SharedIalsState {
  const { dim } = params;
  if (how.wasm) return wasmState(nUsers, nItems, userCsr, itemCsr, params, how.threads, how.batchLimitBytes ?? BATCH_LIMIT_BYTES);
  const shared = how.threads > 1;
  const f32 = (n: number): Float32Array => (shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n));
  const f64 = (n: number): Float64Array => (shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n));
  const share = (csr: WeightedCsr): WeightedCsr =>
    shared ? { offsets: toShared(csr.offsets), cols: toShared(csr.cols), weights: toShared(csr.weights) } : csr;
  return {
    nUsers,
    nItems,
    userCsr: share(userCsr),
    itemCsr: share(itemCsr),
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
  userCsr: WeightedCsr,
  itemCsr: WeightedCsr,
  params: HalfStepParams,
  threads: number,
  batchLimitBytes: number,
): SharedIalsState {
  const { dim } = params;
  const arena = new WasmArena();
  const batchedSlots = (rows: number, otherCsr: WeightedCsr) => {
    if (batchBytes(rows, dim) > batchLimitBytes) return undefined;
    const table = () => arena.reserve(Float32Array, rows * dim);
    return { R: table(), P: table(), AP: table(), rs: arena.reserve(Float32Array, rows), parts: arena.reserve(Float32Array, BATCH_PARTS * rows * dim), rows, otherCsr };
  };
  const batching = { users: batchedSlots(nUsers, itemCsr), items: batchedSlots(nItems, userCsr) };
  const batched: Partial<Record<Side, BatchedLayout>> = {};
  const layOut = (side: Side): void => {
    const b = batching[side];
    if (!b) return;
    batched[side] = {
      R: arena.offset(b.R),
      P: arena.offset(b.P),
      AP: arena.offset(b.AP),
      rs: arena.offset(b.rs),
      parts: arena.offset(b.parts),
      partBytes: b.rows * dim * 4,
      partRows: splitRows(b.otherCsr.offsets, dim, BATCH_PARTS),
    };
  };
  const csrSlots = (csr: WeightedCsr) => ({
    offsets: arena.reserve(Uint32Array, csr.offsets.length),
    cols: arena.reserve(Int32Array, csr.cols.length),
    weights: arena.reserve(Float32Array, csr.weights.length),
  });
  const scratchBytes = 12 * dim + 4 * dim * dim;
  const slots = {
    user: csrSlots(userCsr),
    item: csrSlots(itemCsr),
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
  layOut('users');
  layOut('items');
  const place = (csr: WeightedCsr, at: typeof slots.user): WeightedCsr => {
    const placed = { offsets: arena.view<Uint32Array>(at.offsets), cols: arena.view<Int32Array>(at.cols), weights: arena.view<Float32Array>(at.weights) };
    placed.offsets.set(csr.offsets);
    placed.cols.set(csr.cols);
    placed.weights.set(csr.weights);
    return placed;
  };
  rowLambdas(userCsr, nItems, params, arena.view<Float32Array>(slots.userLambdas));
  rowLambdas(itemCsr, nUsers, params, arena.view<Float32Array>(slots.itemLambdas));
  return {
    nUsers,
    nItems,
    userCsr: place(userCsr, slots.user),
    itemCsr: place(itemCsr, slots.item),
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

/** Each row's λ_u = λ · (nCols + Σ w)^ν (solve.ts), fixed for a job. */
function rowLambdas(csr: WeightedCsr, nCols: number, p: HalfStepParams, out: Float32Array): void {
  const { offsets, weights } = csr;
  for (let u = 0; u < out.length; u++) {
    let weightSum = 0;
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) weightSum += weights[k]!;
    out[u] = p.regExponent === 0 ? p.reg : p.reg * Math.pow(nCols + weightSum, p.regExponent);
  }
}
