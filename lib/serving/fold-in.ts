/**
 * A visitor's user vector from posted ratings alone, with the item side fixed.
 *
 * - svd / baseline: ridge regression of the residuals r - mu - b_i on the item rows,
 *   solving for [p; b_u] together (a bias column of ones). The penalty is reg * |R|
 *   on every coordinate, the same weight per-rating SGD regularisation puts on a user
 *   with |R| ratings (regBias on the bias). Both come from manifest foldIn, else the
 *   training params, else 0.02.
 * - ials: its own fold-in (lib/models/ials-fold-in.ts), exact weighted ridge.
 * - nsvd: the NSVD user vector is a function of the rated items (Y rows), no solve.
 * - popularity: no vector; the list is the popular items.
 */
import type { Manifest } from '../artifacts/format';
import { choleskyFactor, choleskySolve } from '../models/linalg/cholesky';
import { ialsFoldIn, parseIalsFoldIn } from '../models/ials-fold-in';
import { InvalidRequestError } from './errors';
import type { ServingModel } from './serving-model';
import { nsvdVisitorVector } from './nsvd-visitor';

export interface VisitorVector {
  vec: Float32Array | undefined;
  bias: number;
}

const DEFAULT_REG = 0.02;

/** A regularisation constant from manifest foldIn, else the training params, else the default. */
export function foldInReg(manifest: Manifest, name: 'reg' | 'regBias' = 'reg'): number {
  const candidates = [manifest.model.foldIn?.[name], manifest.model.params[name]];
  if (name === 'regBias') candidates.push(manifest.model.foldIn?.reg, manifest.model.params.reg);
  candidates.push(manifest.model.params.lambda);
  for (const c of candidates) if (typeof c === 'number' && Number.isFinite(c) && c > 0) return c;
  return DEFAULT_REG;
}

export function visitorVector(model: ServingModel, items: Int32Array, ratings: Float32Array): VisitorVector {
  const { dim, Q } = model.scoring;
  switch (model.kind) {
    case 'ials': {
      if (dim === 0) return { vec: undefined, bias: 0 };
      let params;
      try {
        params = parseIalsFoldIn(model.manifest.model.foldIn);
      } catch (err) {
        throw new InvalidRequestError(`this model cannot fold in new users: ${(err as Error).message}`);
      }
      const out = new Float32Array(dim);
      ialsFoldIn(Q, dim, model.gram(), items, ratings, params, out);
      return { vec: out, bias: 0 };
    }
    case 'nsvd':
      return nsvdVisitorVector(model, items, ratings);
    case 'popularity':
      return { vec: undefined, bias: 0 };
    default:
      return ridgeFoldIn(model, items, ratings, foldInReg(model.manifest), foldInReg(model.manifest, 'regBias'));
  }
}

/** Ridge solve for [p; b_u] against fixed item rows and biases (see the file comment). */
export function ridgeFoldIn(
  model: ServingModel,
  items: Int32Array,
  ratings: Float32Array,
  reg: number,
  regBias = reg,
): VisitorVector {
  const { dim, Q, mu, itemBias } = model.scoring;
  const hasFactors = dim > 0 && model.artifacts.P !== undefined;
  const n = (hasFactors ? dim : 0) + 1;
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
  if (!hasFactors) return { vec: undefined, bias: x[0]! };
  const vec = new Float32Array(dim);
  for (let a = 0; a < dim; a++) vec[a] = x[a]!;
  return { vec, bias: x[dim]! };
}
