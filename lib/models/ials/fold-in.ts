/**
 * Folding a new user into a trained iALS model: with the item factors Q fixed, the
 * user's vector is the exact minimiser of the same weighted ridge regression that
 * training solves for every user (see train.ts),
 *
 *   (QᵀQ + Σ_{i∈R} w_i q_i q_iᵀ + λ_u I) p = Σ_{i∈R} (1 + w_i) q_i,
 *   w_i = α f(r_i),  λ_u = λ · (nItems + Σ w_i)^ν,
 *
 * solved directly (Cholesky, O(dim³ + |R| dim²)). Serving imports this file, so it
 * imports nothing from training code.
 */
import { choleskyFactor, choleskySolve } from '../../math/linalg/cholesky';
import { addOuter } from '../../math/linalg/dense';

/** How a rating r becomes extra confidence: binary f = 1, linear f = r, log f = ln(1 + r/ε). */
export type ConfidenceKind = 'binary' | 'linear' | 'log';

/** What Factors.foldIn holds for an iALS model. */
export interface IalsFoldInParams {
  reg: number;
  regExponent: number;
  alpha: number;
  confidence: ConfidenceKind;
  epsilon: number;
}

/**
 * w = c − 1 = α f(r): the confidence an observed rating adds over an unobserved cell.
 * Never negative (a rating scale reaching below zero would otherwise make c < 1 and
 * the row's system indefinite).
 */
export function extraConfidence(rating: number, p: Pick<IalsFoldInParams, 'alpha' | 'confidence' | 'epsilon'>): number {
  const f = p.confidence === 'binary' ? 1 : p.confidence === 'linear' ? rating : Math.log1p(rating / p.epsilon);
  return f > 0 ? p.alpha * f : 0;
}

/** A row's regulariser λ_u = λ · (nCols + Σ w)^ν, w its entries' extra confidences (the frequency-scaled λ of Rendle et al. 2022). */
export function rowReg(p: Pick<IalsFoldInParams, 'reg' | 'regExponent'>, nCols: number, weightSum: number): number {
  return p.regExponent === 0 ? p.reg : p.reg * Math.pow(nCols + weightSum, p.regExponent);
}

/** Reads IalsFoldInParams back from a manifest's loose foldIn record, or throws saying what is wrong. */
export function parseIalsFoldIn(record: Record<string, number | string> | undefined): IalsFoldInParams {
  const num = (key: string): number => {
    const v = record?.[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`iALS foldIn.${key} must be a finite number`);
    return v;
  };
  const confidence = record?.confidence;
  if (confidence !== 'binary' && confidence !== 'linear' && confidence !== 'log') {
    throw new RangeError(`iALS foldIn.confidence must be binary, linear or log, got ${String(confidence)}`);
  }
  return { reg: num('reg'), regExponent: num('regExponent'), alpha: num('alpha'), confidence, epsilon: num('epsilon') };
}

/**
 * The user's system A = QᵀQ + Σ w_i q_i q_iᵀ + λ_u I into A (dim x dim, unfactored) and,
 * when given, b = Σ (1 + w_i) q_i; the confidences c_i = 1 + w_i into `confidences` when
 * given (same order as items). The one place fold-in and its reasons build it.
 */
export function ialsUserSystem(
  Q: Float32Array,
  dim: number,
  gram: ArrayLike<number>,
  items: Int32Array,
  ratings: Float32Array,
  params: IalsFoldInParams,
  A: Float64Array,
  b?: Float64Array,
  confidences?: Float64Array,
): void {
  if (gram.length < dim * dim) throw new RangeError(`gram must be ${dim} x ${dim}`);
  const c = confidences ?? new Float64Array(items.length);
  const reg = ialsUserWeights(Math.floor(Q.length / dim), items, ratings, params, c);
  for (let k = 0; k < dim * dim; k++) A[k] = gram[k]!;
  b?.fill(0, 0, dim);
  for (let k = 0; k < items.length; k++) {
    const off = items[k]! * dim;
    addOuter(A, dim, c[k]! - 1, Q, off);
    if (b) for (let a = 0; a < dim; a++) b[a] += c[k]! * Q[off + a]!;
  }
  for (let a = 0; a < dim; a++) A[a * dim + a] += reg;
}

/**
 * The user's confidences c_i = 1 + w_i into `confidences` (same order as items) and their
 * λ_u, the return value; checks the item indices against nItems.
 */
export function ialsUserWeights(nItems: number, items: Int32Array, ratings: Float32Array, params: IalsFoldInParams, confidences: Float64Array): number {
  if (items.length !== ratings.length) throw new RangeError('items and ratings differ in length');
  let weightSum = 0;
  for (let k = 0; k < items.length; k++) {
    const i = items[k]!;
    if (!(i >= 0 && i < nItems)) throw new RangeError(`item index ${i} is not in [0, ${nItems})`);
    const w = extraConfidence(ratings[k]!, params);
    weightSum += w;
    confidences[k] = 1 + w;
  }
  return rowReg(params, nItems, weightSum);
}

/**
 * Writes the folded-in user vector into out[0 .. dim). `gram` is QᵀQ (dim x dim,
 * row-major, computed once per loaded model); items are item indices with their
 * ratings. No items gives the zero vector.
 */
export function ialsFoldIn(
  Q: Float32Array,
  dim: number,
  gram: ArrayLike<number>,
  items: Int32Array,
  ratings: Float32Array,
  params: IalsFoldInParams,
  out: Float32Array,
): void {
  const A = new Float64Array(dim * dim);
  const b = new Float64Array(dim);
  ialsUserSystem(Q, dim, gram, items, ratings, params, A, b);
  if (items.length === 0) {
    out.fill(0, 0, dim);
    return;
  }
  choleskyFactor(A, dim);
  const x = new Float64Array(dim);
  choleskySolve(A, dim, b, x);
  for (let a = 0; a < dim; a++) out[a] = x[a]!;
}
