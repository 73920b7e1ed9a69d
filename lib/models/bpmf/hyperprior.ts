/**
 * BPMF's hyperprior step (Salakhutdinov & Mnih 2008, eq. 14): given the n rows x_r of one
 * side (K values each), draw that side's Gaussian prior (mean μ, precision Λ) from its
 * Normal-Wishart posterior, with μ0 = 0, β0, ν0 = K, W0 = I:
 *   x̄ = mean row, S = Σ (x_r - x̄)(x_r - x̄)ᵀ,
 *   W*⁻¹ = W0⁻¹ + S + β0 n / (β0 + n) · x̄ x̄ᵀ,   ν* = ν0 + n,
 *   Λ ~ Wishart(W*, ν*),   μ ~ N(n x̄ / (β0 + n), ((β0 + n) Λ)⁻¹).
 */
import type { Rng } from '../../data/random';
import { spdInverse } from '../../math/linalg/spd-inverse';
import { allocate } from '../kernels/shared';
import { sampleGaussianFromPrecision, sampleWishart } from '../../math/sampling';

/** A side's row prior N(mean, precision⁻¹), with info = precision · mean (what a row draw adds). */
export interface RowPrior {
  readonly K: number;
  readonly mean: Float64Array;
  readonly precision: Float64Array;
  readonly info: Float64Array;
}

/** N(0, I), its arrays shared between threads when `shared`. */
export function rowPrior(K: number, shared = false): RowPrior {
  const precision = allocate(Float64Array, K * K, shared);
  for (let a = 0; a < K; a++) precision[a * K + a] = 1;
  return { K, mean: allocate(Float64Array, K, shared), precision, info: allocate(Float64Array, K, shared) };
}

/** Draws `prior` in place from the Normal-Wishart posterior of rows[0..n) (row r at r * K). */
export function sampleRowPrior(rows: Float32Array, n: number, beta0: number, rng: Rng, prior: RowPrior): void {
  const { K, mean, precision, info } = prior;
  const xbar = new Float64Array(K);
  for (let r = 0; r < n; r++) for (let a = 0; a < K; a++) xbar[a] += rows[r * K + a]!;
  for (let a = 0; a < K; a++) xbar[a] /= Math.max(1, n);
  const scaleInv = new Float64Array(K * K);
  const centred = new Float64Array(K);
  for (let r = 0; r < n; r++) {
    for (let a = 0; a < K; a++) centred[a] = rows[r * K + a]! - xbar[a]!;
    for (let a = 0; a < K; a++) {
      const ca = centred[a]!;
      for (let c = 0; c <= a; c++) scaleInv[a * K + c] += ca * centred[c]!;
    }
  }
  const shrink = (beta0 * n) / (beta0 + n);
  for (let a = 0; a < K; a++) {
    scaleInv[a * K + a] += 1;
    for (let c = 0; c <= a; c++) {
      const v = scaleInv[a * K + c]! + shrink * xbar[a]! * xbar[c]!;
      scaleInv[a * K + c] = v;
      scaleInv[c * K + a] = v;
    }
  }
  sampleWishart(spdInverse(scaleInv, K), K, K + n, rng, precision);
  // μ given Λ: precision (β0 + n) Λ, information (β0 + n) Λ · n x̄ / (β0 + n) = n Λ x̄.
  const meanPrecision = new Float64Array(K * K);
  for (let k = 0; k < K * K; k++) meanPrecision[k] = (beta0 + n) * precision[k]!;
  for (let a = 0; a < K; a++) {
    let s = 0;
    for (let c = 0; c < K; c++) s += precision[a * K + c]! * xbar[c]!;
    info[a] = n * s;
  }
  sampleGaussianFromPrecision(meanPrecision, K, info, rng, mean);
  for (let a = 0; a < K; a++) {
    let s = 0;
    for (let c = 0; c < K; c++) s += precision[a * K + c]! * mean[c]!;
    info[a] = s;
  }
}
