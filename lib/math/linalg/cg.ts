/**
 * Conjugate gradient for a symmetric positive definite system A x = b where A is only
 * available as a product x -> A x (a LinearOperator), warm-started from the x passed
 * in. A few steps from a good start are what the iALS solver needs (Takács, Pilászy &
 * Tikk 2011; the implicit library's `cg` solver uses 3): each step costs one product.
 * Scratch vectors are allocated once per solver and reused for every solve.
 */
import { matVec } from './dense';

export interface LinearOperator {
  /** out = A x; must not keep references to x or out. */
  apply(x: Float64Array, out: Float64Array): void;
}

export class ConjugateGradient {
  private readonly r: Float64Array;
  private readonly p: Float64Array;
  private readonly ap: Float64Array;

  constructor(readonly n: number) {
    this.r = new Float64Array(n);
    this.p = new Float64Array(n);
    this.ap = new Float64Array(n);
  }

  /**
   * Improves x in place towards the solution of A x = b with at most maxSteps steps;
   * stops early once the squared residual norm is below tolerance². Returns the
   * number of steps taken.
   */
  solve(A: LinearOperator, b: ArrayLike<number>, x: Float64Array, maxSteps: number, tolerance = 1e-10): number {
    const { n, r, p, ap } = this;
    A.apply(x, ap);
    let rsOld = 0;
    for (let k = 0; k < n; k++) {
      const rk = b[k]! - ap[k]!;
      r[k] = rk;
      p[k] = rk;
      rsOld += rk * rk;
    }
    const tol2 = tolerance * tolerance;
    let steps = 0;
    while (steps < maxSteps && rsOld > tol2) {
      A.apply(p, ap);
      let pAp = 0;
      for (let k = 0; k < n; k++) pAp += p[k]! * ap[k]!;
      if (!(pAp > 0)) break; // numerically converged (or A not SPD): keep x
      const alpha = rsOld / pAp;
      let rsNew = 0;
      for (let k = 0; k < n; k++) {
        x[k] += alpha * p[k]!;
        const rk = r[k]! - alpha * ap[k]!;
        r[k] = rk;
        rsNew += rk * rk;
      }
      const beta = rsNew / rsOld;
      for (let k = 0; k < n; k++) p[k] = r[k]! + beta * p[k]!;
      rsOld = rsNew;
      steps++;
    }
    return steps;
  }
}

/** The operator of a dense row-major n x n matrix (tests, small direct uses). */
export function denseOperator(A: Float64Array, n: number): LinearOperator {
  return { apply: (x, out) => matVec(A, n, x, out) };
}
