/**
 * Small dense helpers over typed arrays for the ALS solvers: square matrices are
 * row-major Float64Array n x n, factor tables are row-major Float32Array rows x dim.
 * Nothing here allocates.
 */

/** Dot product of a[aOff .. aOff+n) and b[bOff .. bOff+n). */
export function dot(
  a: ArrayLike<number>,
  aOff: number,
  b: ArrayLike<number>,
  bOff: number,
  n: number,
): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[aOff + k]! * b[bOff + k]!;
  return s;
}

/** out = A x for a dense n x n matrix A. */
export function matVec(A: Float64Array, n: number, x: Float64Array, out: Float64Array): void {
  for (let r = 0; r < n; r++) {
    const row = r * n;
    let s = 0;
    for (let c = 0; c < n; c++) s += A[row + c]! * x[c]!;
    out[r] = s;
  }
}

/**
 * out = XᵀX (n x n, Float64) for X = rows x n, row-major. Only the upper triangle is
 * accumulated, then mirrored: the Gram matrix of the fixed side in an ALS half-step.
 */
export function gram(X: Float32Array, rows: number, n: number, out: Float64Array): void {
  out.fill(0, 0, n * n);
  for (let r = 0; r < rows; r++) {
    const off = r * n;
    for (let a = 0; a < n; a++) {
      const xa = X[off + a]!;
      if (xa === 0) continue;
      const row = a * n;
      for (let b = a; b < n; b++) out[row + b] += xa * X[off + b]!;
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) out[a * n + b] = out[b * n + a]!;
}

/** A += w · x xᵀ where x = X[xOff .. xOff+n) (a rank-one update of a dense n x n matrix). */
export function addOuter(A: Float64Array, n: number, w: number, X: ArrayLike<number>, xOff: number): void {
  for (let a = 0; a < n; a++) {
    const wa = w * X[xOff + a]!;
    const row = a * n;
    for (let b = 0; b < n; b++) A[row + b] += wa * X[xOff + b]!;
  }
}
