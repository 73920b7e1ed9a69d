/**
 * BPMF's fold-in of a visitor (shared by serving and the tests; no training imports): the
 * conditional mean of the user row [p; b_u] given the posterior-mean item rows, under the
 * users' prior N(μ, Λ⁻¹) (posterior mean of the sampled hyperparameters) and the noise
 * precision α:
 *   (Λ + α Σ x_i x_iᵀ) [p; b_u] = Λ μ + α Σ x_i (r_i - mu - b_i - q_i·z),   x_i = [q_i, 1],
 * with z the implicit term of the posted items when the model has one (vector p + z).
 * The prior travels in the model's foldIn record as comma-separated numbers.
 */
import type { ItemSide } from '../../math/factors';
import { choleskyFactor, choleskySolve } from '../../math/linalg/cholesky';
import { BiasedGram } from '../../math/linalg/normal-equations';
import { itemResiduals } from '../../math/ridge-fold-in';
import { FoldInError } from '../contract';
import { foldInNumber } from '../factor-scorer';
import { implicitTerm } from '../svdpp/implicit-term';

/** What the foldIn record holds: the noise precision and the users' prior (K = dim + 1). */
export interface BpmfUserPrior {
  noisePrecision: number;
  mean: Float64Array;
  precision: Float64Array;
}

export function encodeUserPrior(p: BpmfUserPrior): Record<string, number | string> {
  return { noisePrecision: p.noisePrecision, priorMean: Array.from(p.mean).join(','), priorPrecision: Array.from(p.precision).join(',') };
}

function numbers(model: ItemSide, key: string, length: number): Float64Array {
  const text = model.foldIn?.[key];
  const values = typeof text === 'string' ? text.split(',').map(Number) : [];
  if (values.length !== length || !values.every(Number.isFinite)) {
    throw new FoldInError(`bpmf foldIn.${key} must be ${length} comma-separated numbers`);
  }
  return Float64Array.from(values);
}

export function decodeUserPrior(model: ItemSide): BpmfUserPrior {
  const K = model.dim + 1;
  return { noisePrecision: foldInNumber(model, 'noisePrecision'), mean: numbers(model, 'priorMean', K), precision: numbers(model, 'priorPrecision', K * K) };
}

export function bpmfFoldIn(model: ItemSide, prior: BpmfUserPrior, items: Int32Array, ratings: Float32Array): { vec: Float32Array; bias: number } {
  const { dim, Q, Y } = model;
  const K = dim + 1;
  const z = Y ? implicitTerm(Y, dim, items, 0, items.length, new Float32Array(dim)) : undefined;
  const A = Float64Array.from(prior.precision);
  const x = new Float64Array(K);
  for (let a = 0; a < K; a++) for (let c = 0; c < K; c++) x[a] += prior.precision[a * K + c]! * prior.mean[c]!;
  new BiasedGram(dim).add(Q, dim, items, itemResiduals(model, items, ratings, z), 0, items.length, prior.noisePrecision, A, x);
  choleskyFactor(A, K);
  choleskySolve(A, K, x, x);
  const vec = new Float32Array(dim);
  for (let a = 0; a < dim; a++) vec[a] = x[a]! + (z ? z[a]! : 0);
  return { vec, bias: x[dim]! };
}
