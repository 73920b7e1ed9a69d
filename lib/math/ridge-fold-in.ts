/**
 * A visitor's [p; b_u] from posted ratings against fixed item rows and biases: ridge
 * regression of the residuals r - mu - b_i on the item rows, with a bias column of ones.
 * The penalty is reg * |R| on every factor coordinate (regBias * |R| on the bias), the
 * weight per-rating SGD regularisation puts on a user with |R| ratings. A model without
 * factors (dim 0) solves for the bias alone.
 */
import { choleskyFactor, choleskySolve } from './linalg/cholesky';
import type { ScoringModel } from './scoring';

export interface RidgeFoldIn {
  vec: Float32Array | undefined;
  bias: number;
}

export function ridgeFoldIn(
  m: Pick<ScoringModel, 'dim' | 'Q' | 'mu' | 'itemBias'>,
  items: Int32Array,
  ratings: Float32Array,
  reg: number,
  regBias = reg,
): RidgeFoldIn {
  const { dim, Q, mu, itemBias } = m;
  const n = dim + 1;
  const A = new Float64Array(n * n);
  const b = new Float64Array(n);
  const x = new Float64Array(n);
  for (let k = 0; k < items.length; k++) {
    const i = items[k]!;
    const residual = ratings[k]! - mu - (itemBias ? itemBias[i]! : 0);
    const off = i * dim;
    // Feature vector f = [q_i, 1]; A += f fᵀ, b += residual f.
    for (let a = 0; a < n; a++) {
      const fa = a < n - 1 ? Q[off + a]! : 1;
      b[a] += residual * fa;
      const row = a * n;
      for (let c = a; c < n; c++) A[row + c] += fa * (c < n - 1 ? Q[off + c]! : 1);
    }
  }
  const count = Math.max(1, items.length);
  for (let a = 0; a < n; a++) {
    A[a * n + a] += (a < n - 1 ? reg : regBias) * count;
    for (let c = 0; c < a; c++) A[a * n + c] = A[c * n + a]!;
  }
  choleskyFactor(A, n);
  choleskySolve(A, n, b, x);
  if (dim === 0) return { vec: undefined, bias: x[0]! };
  const vec = new Float32Array(dim);
  for (let a = 0; a < dim; a++) vec[a] = x[a]!;
  return { vec, bias: x[dim]! };
}
