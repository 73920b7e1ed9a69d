/**
 * Eigendecomposition G = V diag(values) Vᵀ of a small symmetric matrix (row-major float64
 * n x n) by cyclic Jacobi rotations: each sweep zeroes every off-diagonal pair once, and
 * sweeps repeat until the off-diagonal mass is negligible (quadratic convergence, a handful
 * of sweeps; about 10 n³ flops in all, meant for n ≤ 256 once per loaded model).
 * V is row-major with eigenvector k in column k (V[a * n + k]); values are unsorted.
 */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

const MAX_SWEEPS = 60;

export function symmetricEigen(G: ArrayLike<number>, n: number): SymmetricEigen {
  const A = Float64Array.from({ length: n * n }, (_, k) => G[k]!);
  const V = new Float64Array(n * n);
  for (let a = 0; a < n; a++) V[a * n + a] = 1;
  let scale = 0;
  for (let k = 0; k < n * n; k++) scale += A[k]! * A[k]!;
  const tolerance = Number.EPSILON * Number.EPSILON * scale;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q]! * A[p * n + q]!;
    if (!(off > tolerance)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        // The rotation (c, s) that zeroes A[p][q]: t = tan θ, the smaller root of t² + 2τt − 1 = 0.
        const tau = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        rotate(A, n, p, q, c, s);
        for (let a = 0; a < n; a++) {
          const vp = V[a * n + p]!;
          const vq = V[a * n + q]!;
          V[a * n + p] = c * vp - s * vq;
          V[a * n + q] = s * vp + c * vq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let a = 0; a < n; a++) values[a] = A[a * n + a]!;
  return { values, vectors: V };
}

/** A ← Jᵀ A J for the rotation J in the (p, q) plane (columns then rows; A stays symmetric). */
function rotate(A: Float64Array, n: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const akp = A[k * n + p]!;
    const akq = A[k * n + q]!;
    A[k * n + p] = c * akp - s * akq;
    A[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = A[p * n + k]!;
    const aqk = A[q * n + k]!;
    A[p * n + k] = c * apk - s * aqk;
    A[q * n + k] = s * apk + c * aqk;
  }
}
