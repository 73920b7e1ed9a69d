import { choleskyFactor } from './cholesky';

/**
 * Inverse of an n x n symmetric positive definite matrix (row-major float64), in
 * O(n³) with every inner loop over contiguous memory:
 *   A = L Lᵀ (choleskyFactor, in place); transpose in place so the upper triangle holds
 *   U = Lᵀ; M = L⁻¹ row by row into the strict lower triangle (diagonal kept apart);
 *   A⁻¹ = Mᵀ M accumulated row by row into `out`.
 * `A` is destroyed. Returns `out` (a fresh n x n array unless given), fully symmetric.
 */
export function spdInverse(A: Float64Array, n: number, out = new Float64Array(n * n)): Float64Array {
  choleskyFactor(A, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const lower = A[i * n + j]!;
      A[i * n + j] = A[j * n + i]!;
      A[j * n + i] = lower;
    }
  }
  // Row i of M = L⁻¹: M[i][j] = (δ_ij − Σ_{k=j+1..i} M[i][k] U[j][k]) / U[j][j], j from i down to 0.
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    diag[i] = 1 / A[ri + i]!;
    for (let j = i - 1; j >= 0; j--) {
      const rj = j * n;
      let s = A[rj + i]! * diag[i]!;
      for (let k = j + 1; k < i; k++) s += A[ri + k]! * A[rj + k]!;
      A[ri + j] = -s / A[rj + j]!;
    }
  }
  // out = Mᵀ M: row k of M adds M[k][a] · M[k][0..a] to row a of out's lower triangle.
  out.fill(0);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let a = 0; a <= k; a++) {
      const mka = a === k ? diag[k]! : A[rk + a]!;
      if (mka === 0) continue;
      const ra = a * n;
      for (let b = 0; b < a; b++) out[ra + b] += mka * A[rk + b]!;
      out[ra + a] += mka * mka;
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) out[b * n + a] = out[a * n + b]!;
  return out;
}
