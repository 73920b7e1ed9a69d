/**
 * The normal equations of one row of a biased factor model: the row [p; b] (n = dim + 1)
 * is fitted to targets t_k against feature vectors x_k = [X row rows[k] (its first dim
 * values), 1]. Fold-in solves (ridge, Bayesian) and the BPMF Gibbs sampler share it.
 */
export class BiasedGram {
  readonly n: number;
  /** The current feature vector. */
  private readonly x: Float64Array;
  /** Σ x xᵀ of one call, lower triangle packed row by row (the inner loop walks it in order). */
  private readonly packed: Float64Array;

  constructor(readonly dim: number) {
    this.n = dim + 1;
    this.x = new Float64Array(this.n);
    this.packed = new Float64Array((this.n * (this.n + 1)) / 2);
  }

  /**
   * A += w Σ x_k x_kᵀ (lower triangle only, diagonal included: what choleskyFactor reads)
   * and, when given, b += w Σ t_k x_k over k in [from, to). Row r of X starts at r * stride;
   * A is n x n row-major. No allocation.
   */
  add(X: Float32Array, stride: number, rows: ArrayLike<number>, targets: ArrayLike<number>, from: number, to: number, w: number, A: Float64Array, b?: Float64Array): void {
    const { dim, n, x, packed } = this;
    x[dim] = 1;
    packed.fill(0);
    for (let k = from; k < to; k++) {
      const off = rows[k]! * stride;
      for (let a = 0; a < dim; a++) x[a] = X[off + a]!;
      const t = targets[k]!;
      let p = 0;
      for (let a = 0; a < n; a++) {
        const xa = x[a]!;
        if (b) b[a] += w * t * xa;
        for (let c = 0; c <= a; c++) packed[p++] += xa * x[c]!;
      }
    }
    let p = 0;
    for (let a = 0; a < n; a++) for (let c = 0; c <= a; c++) A[a * n + c] += w * packed[p++]!;
  }
}
