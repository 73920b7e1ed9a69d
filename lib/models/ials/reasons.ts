/**
 * iALS reasons, the explanation of Hu, Koren and Volinsky (2008, section 5), as implicit's
 * `explain` gives it: with the user's system W_u = (QᵀC_uQ + λ_u I)⁻¹ of the fold-in
 * (fold-in.ts), the fold-in score of item i is
 *   score_i = q_iᵀ W_u Σ_j c_uj q_j = Σ_j s_ij c_uj,   s_ij = q_iᵀ W_u q_j,
 * one term per rated item j (c_uj = 1 + w_j, its confidence).
 * With fewer ratings than dimensions (m < dim), in the eigenbasis of QᵀQ (item-eigenbasis.ts)
 * W_u⁻¹ = diag(values + λ_u) + Σ_j w_j q̂_j q̂_jᵀ, and the m values s_ij come from the
 * push-through identity (linalg/push-through.ts): per user an m x m factorisation
 * (m² dim/2 + m³/6), per item m dots and an m x m solve. Otherwise per user one dim x dim
 * Cholesky factorisation (O(dim³ + m dim²)), per item one solve and m dots.
 * The buffers are the scorer's, grown as needed.
 */
import { explainEach, GrowableBuffer, type Contributions, type ItemExplainer, type LargestTerms } from '../../math/contributions';
import { choleskyFactor, choleskySolve } from '../../math/linalg/cholesky';
import { PushThroughSolver } from '../../math/linalg/push-through';
import { ialsUserSystem, ialsUserWeights, type IalsFoldInParams } from './fold-in';
import { ItemEigenbasis } from './item-eigenbasis';

/** Above this dim the one-off Jacobi eigensolve (about 10 dim³ flops) is not worth it: the dim x dim solve stays. */
const MAX_EIGENBASIS_DIM = 256;

export class IalsReasons implements ItemExplainer {
  private readonly A: Float64Array;
  private readonly s: Float64Array;
  private readonly confidenceBuffer = new GrowableBuffer();
  private readonly weightBuffer = new GrowableBuffer();
  private readonly projectionBuffer = new GrowableBuffer();
  private readonly diagonal: Float64Array;
  private confidences: Float64Array = new Float64Array(0);
  private projection: Float64Array = new Float64Array(0);
  private items: Int32Array = new Int32Array(0);
  private basis: ItemEigenbasis | undefined;
  private pushThrough: PushThroughSolver | undefined;
  private usePushThrough = false;

  /** `path: 'solve'` keeps the dim x dim solve even where push-through applies (the tests compare the two). */
  constructor(
    private readonly Q: Float32Array,
    private readonly dim: number,
    private readonly path: 'fastest' | 'solve' = 'fastest',
  ) {
    this.A = new Float64Array(dim * dim);
    this.s = new Float64Array(dim);
    this.diagonal = new Float64Array(dim);
  }

  /** `gram` is the model's QᵀQ, the same on every call (its eigenbasis is computed on first use). */
  prepare(gram: ArrayLike<number>, items: Int32Array, ratings: Float32Array, params: IalsFoldInParams): this {
    const { Q, dim } = this;
    this.items = items;
    this.confidences = this.confidenceBuffer.of(items.length);
    this.usePushThrough = this.path === 'fastest' && items.length > 0 && items.length < dim && dim <= MAX_EIGENBASIS_DIM && this.preparePushThrough(gram, items, ratings, params);
    if (this.usePushThrough) return this;
    ialsUserSystem(Q, dim, gram, items, ratings, params, this.A, undefined, this.confidences);
    if (items.length > 0) choleskyFactor(this.A, dim);
    return this;
  }

  /** Factors the push-through system; false (nothing factored) when QᵀQ + λ_u I is not safely positive definite. */
  private preparePushThrough(gram: ArrayLike<number>, items: Int32Array, ratings: Float32Array, params: IalsFoldInParams): boolean {
    const { Q, dim, diagonal, confidences } = this;
    const nItems = Math.floor(Q.length / dim);
    const reg = ialsUserWeights(nItems, items, ratings, params, confidences);
    if (!(reg > 0)) return false;
    const basis = (this.basis ??= new ItemEigenbasis(Q, nItems, dim, gram));
    basis.ensure(items);
    for (let a = 0; a < dim; a++) {
      diagonal[a] = Math.max(0, basis.values[a]!) + reg;
    }
    const weights = this.weightBuffer.of(items.length);
    for (let k = 0; k < items.length; k++) weights[k] = confidences[k]! - 1;
    (this.pushThrough ??= new PushThroughSolver(dim)).prepare(basis.rotated, dim, items, false, diagonal, weights);
    this.projection = this.projectionBuffer.of(items.length);
    return true;
  }

  largestTerms(explained: ArrayLike<number>, count: number, out: readonly LargestTerms[]): void {
    const { items } = this;
    if (!this.usePushThrough) {
      explainEach(this, explained, count, out);
      return;
    }
    const basis = this.basis!;
    for (let k = 0; k < count; k++) basis.ensure(explained[k]!);
    // t_j = s_ij c_uj: the solver reduces the terms itself.
    this.pushThrough!.largestTerms(basis.rotated, this.dim, explained, count, this.dim, this.confidences, out);
    for (let k = 0; k < count; k++) out[k]!.resolveIndices(items);
  }

  explain(item: number, out: Contributions): void {
    const { Q, dim, A, s, items, confidences } = this;
    if (items.length === 0) return;
    if (this.usePushThrough) {
      const { projection } = this;
      const basis = this.basis!;
      basis.ensure(item);
      this.pushThrough!.project(basis.rotated, item * dim, dim, projection);
      for (let k = 0; k < items.length; k++) out.add(items[k]!, projection[k]! * confidences[k]!);
      return;
    }
    const qi = item * dim;
    for (let a = 0; a < dim; a++) s[a] = Q[qi + a]!;
    choleskySolve(A, dim, s, s);
    for (let k = 0; k < items.length; k++) {
      const qj = items[k]! * dim;
      let sij = 0;
      for (let a = 0; a < dim; a++) sij += s[a]! * Q[qj + a]!;
      out.add(items[k]!, sij * confidences[k]!);
    }
  }
}
