/**
 * Draws from the distributions of Bayesian factor models, over the seeded Rng of
 * lib/data/random.ts: Gamma (Marsaglia & Tsang 2000), Wishart (Bartlett decomposition)
 * and a Gaussian given its precision matrix. Matrices are row-major Float64Array n x n.
 */
import type { Rng } from '../data/random';
import { backSubstitute, choleskyFactor, forwardSubstitute } from './linalg/cholesky';

/** Gamma(shape, rate): mean shape / rate. */
export function sampleGamma(shape: number, rate: number, rng: Rng): number {
  if (!(shape > 0) || !(rate > 0)) throw new RangeError(`Gamma needs shape > 0 and rate > 0, got ${shape}, ${rate}`);
  // Below shape 1: Gamma(a) = Gamma(a + 1) · U^(1/a).
  if (shape < 1) return sampleGamma(shape + 1, rate, rng) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.nextGaussian();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** Chi-square with k degrees of freedom: Gamma(k / 2, rate 1/2). */
export const sampleChiSquare = (k: number, rng: Rng): number => sampleGamma(k / 2, 0.5, rng);

/**
 * A draw of Wishart(W, nu) (mean nu·W) into `out`, by Bartlett's decomposition: with
 * W = L Lᵀ and A lower triangular, A_ii = sqrt(χ²(nu - i)), A_ij ~ N(0, 1) below the
 * diagonal, the draw is (L A)(L A)ᵀ. `scale` is W (left unchanged); nu > n - 1.
 */
export function sampleWishart(scale: Float64Array, n: number, nu: number, rng: Rng, out: Float64Array = new Float64Array(n * n)): Float64Array {
  if (!(nu > n - 1)) throw new RangeError(`Wishart needs nu > n - 1, got nu ${nu} for n ${n}`);
  const L = Float64Array.from(scale.subarray(0, n * n));
  choleskyFactor(L, n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    A[i * n + i] = Math.sqrt(sampleChiSquare(nu - i, rng));
    for (let j = 0; j < i; j++) A[i * n + j] = rng.nextGaussian();
  }
  // M = L A, both lower triangular: M[i][j] = Σ_{k=j..i} L[i][k] A[k][j].
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = j; k <= i; k++) s += L[i * n + k]! * A[k * n + j]!;
      M[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += M[i * n + k]! * M[j * n + k]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * A draw of N(Λ⁻¹ h, Λ⁻¹) into `out` (length n) given the precision Λ and h = Λ·mean:
 * with Λ = L Lᵀ, x = L⁻ᵀ (L⁻¹ h + ε), ε ~ N(0, I). `precision` is overwritten by L;
 * `out` may alias `h`. No allocation.
 */
export function sampleGaussianFromPrecision(precision: Float64Array, n: number, h: ArrayLike<number>, rng: Rng, out: Float64Array): Float64Array {
  choleskyFactor(precision, n);
  forwardSubstitute(precision, n, h, out);
  for (let k = 0; k < n; k++) out[k] += rng.nextGaussian();
  backSubstitute(precision, n, out, out);
  return out;
}
