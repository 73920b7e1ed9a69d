/**
 * A visitor's [p; b_u] from posted ratings against fixed item rows and biases: ridge
 * regression of the residuals r - mu - b_i on the item rows, with a bias column of ones.
 * The penalty is reg * |R| on every factor coordinate (regBias * |R| on the bias), the
 * weight per-rating SGD regularisation puts on a user with |R| ratings. A model without
 * factors (dim 0) solves for the bias alone.
 *
 * With an implicit term z (SVD++: the user's vector is p + z, z fixed by which items were
 * rated), the residuals are r - mu - b_i - q_i·z and the vector returned is p + z.
 */
import { choleskyFactor, choleskySolve } from './linalg/cholesky';
import { BiasedGram } from './linalg/normal-equations';
import { dot, type ScoringModel } from './scoring';

export interface RidgeFoldIn {
  vec: Float32Array | undefined;
  bias: number;
}

type ItemRows = Pick<ScoringModel, 'dim' | 'Q' | 'mu' | 'itemBias'>;

/** r_k - mu - b_i - (q_i·z when an implicit term z is given), per posted rating. */
export function itemResiduals(
  m: ItemRows,
  items: Int32Array,
  ratings: Float32Array,
  implicit?: Float32Array,
  out: Float64Array = new Float64Array(items.length),
): Float64Array {
  for (let k = 0; k < items.length; k++) {
    const i = items[k]!;
    out[k] = ratings[k]! - m.mu - (m.itemBias ? m.itemBias[i]! : 0) - (implicit ? dot(implicit, 0, m.Q, i * m.dim, m.dim) : 0);
  }
  return out;
}

export function ridgeFoldIn(m: ItemRows, items: Int32Array, ratings: Float32Array, reg: number, regBias = reg, implicit?: Float32Array): RidgeFoldIn {
  const { dim, Q } = m;
  const n = dim + 1;
  const A = new Float64Array(n * n);
  const x = new Float64Array(n);
  new BiasedGram(dim).add(Q, dim, items, itemResiduals(m, items, ratings, implicit), 0, items.length, 1, A, x);
  const count = Math.max(1, items.length);
  for (let a = 0; a < n; a++) A[a * n + a] += (a < dim ? reg : regBias) * count;
  choleskyFactor(A, n);
  choleskySolve(A, n, x, x);
  if (dim === 0) return { vec: undefined, bias: x[0]! };
  const vec = new Float32Array(dim);
  for (let a = 0; a < dim; a++) vec[a] = x[a]! + (implicit ? implicit[a]! : 0);
  return { vec, bias: x[dim]! };
}
