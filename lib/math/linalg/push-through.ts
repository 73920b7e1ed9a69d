/**
 * u = X A⁻¹ s for A = D + Xᵀ W X (n x n) with D diagonal positive, X the m rows x_j of a
 * user's rated items and W = diag(w_j ≥ 0), many s per A: when m < n, by the push-through
 * identity X A⁻¹ = (I + H W)⁻¹ X D⁻¹, H = X D⁻¹ Xᵀ, never forming A. With S = W^½,
 *   I + H W = S⁻¹ M S,   M = I + S H S (m x m, SPD, eigenvalues ≥ 1),
 * so with v = X D⁻¹ s and y = M⁻¹ S v:  u_j = y_j / S_j, or, where S_j is (near) zero,
 * u = v − H S y (Woodbury) row by row. Per A: m²n/2 + m³/6; per s: m n + m².
 * Rows come from a float32 table (row r at r * stride, `width` values), optionally with
 * a constant 1 appended (a bias column: n = width + 1).
 * The arithmetic runs in WebAssembly SIMD (float64, push-through-wasm.ts) where the
 * runtime has it, compiled on the first solver made (the first explained request), else
 * in JS (push-through-js.ts, the reference); the two agree to rounding.
 */
import type { LargestTerms } from '../contributions';
import { JsPushThrough } from './push-through-js';
import { WasmPushThrough, wasmPushThroughAvailable } from './push-through-wasm';

export interface PushThroughEngine {
  /**
   * Sets A from D (n values, all > 0), the rows `items` of `table` (width = n, or n − 1
   * with `appendOne`) and their weights (one per row, or one for all), and factors M.
   */
  prepare(table: Float32Array, stride: number, items: Int32Array, appendOne: boolean, diagonal: ArrayLike<number>, weights: ArrayLike<number> | number): void;
  /** u = X A⁻¹ s into u[0 .. m), s = source[offset .. offset + length) padded with zeros to n. */
  project(source: ArrayLike<number>, offset: number, length: number, u: Float64Array): void;
  /**
   * For k < count, fills out[k] (its items are row indices j) from the terms u_j scale_j
   * of the u of s = table[rows[k] stride ..][0 .. length): reasons' terms, many sources
   * at once, never leaving the engine.
   */
  largestTerms(table: ArrayLike<number>, stride: number, rows: ArrayLike<number>, count: number, length: number, scale: ArrayLike<number>, out: readonly LargestTerms[]): void;
}

export type PushThroughPath = 'fastest' | 'js';

export class PushThroughSolver implements PushThroughEngine {
  private readonly engine: PushThroughEngine;

  /** `resident`: a table the caller never changes (a model's item rows), which the WebAssembly engine keeps a copy of and gathers rows from. */
  constructor(
    readonly n: number,
    path: PushThroughPath = 'fastest',
    resident?: Float32Array,
  ) {
    this.engine = path === 'fastest' && wasmPushThroughAvailable() ? new WasmPushThrough(n, resident) : new JsPushThrough(n);
  }

  prepare(table: Float32Array, stride: number, items: Int32Array, appendOne: boolean, diagonal: ArrayLike<number>, weights: ArrayLike<number> | number): void {
    this.engine.prepare(table, stride, items, appendOne, diagonal, weights);
  }

  project(source: ArrayLike<number>, offset: number, length: number, u: Float64Array): void {
    this.engine.project(source, offset, length, u);
  }

  largestTerms(table: ArrayLike<number>, stride: number, rows: ArrayLike<number>, count: number, length: number, scale: ArrayLike<number>, out: readonly LargestTerms[]): void {
    this.engine.largestTerms(table, stride, rows, count, length, scale, out);
  }
}
