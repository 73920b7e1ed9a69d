/**
 * Direct solve of a symmetric positive definite system A x = b by Cholesky
 * factorisation A = L Lᵀ (in place, lower triangle). O(n³/3); meant for the small
 * systems of one ALS row (n = factor dimension), e.g. folding in one new user, and as
 * the reference the conjugate-gradient solver is tested against.
 */

/**
 * Factors the n x n row-major SPD matrix A in place: afterwards its lower triangle
 * (diagonal included) holds L. Throws if A is not positive definite.
 */
export function choleskyFactor(A: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j]!;
    for (let k = 0; k < j; k++) d -= A[rj + k]! * A[rj + k]!;
    if (!(d > 0)) throw new RangeError(`matrix is not positive definite (pivot ${j} is ${d})`);
    const ljj = Math.sqrt(d);
    A[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j]!;
      for (let k = 0; k < j; k++) s -= A[ri + k]! * A[rj + k]!;
      A[ri + j] = s / ljj;
    }
  }
}

/** Solves L Lᵀ x = b given the factor from choleskyFactor; x may alias b. */
export function choleskySolve(L: Float64Array, n: number, b: ArrayLike<number>, x: Float64Array): void {
  forwardSubstitute(L, n, b, x);
  backSubstitute(L, n, x, x);
}

/** Solves L y = b for the lower-triangular factor L of choleskyFactor; y may alias b. */
export function forwardSubstitute(L: Float64Array, n: number, b: ArrayLike<number>, y: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[ri + k]! * y[k]!;
    y[i] = s / L[ri + i]!;
  }
}

/** Solves Lᵀ x = y for the lower-triangular factor L of choleskyFactor; x may alias y. */
export function backSubstitute(L: Float64Array, n: number, y: ArrayLike<number>, x: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
}
