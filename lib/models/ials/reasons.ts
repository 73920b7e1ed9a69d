/**
 * iALS reasons, the explanation of Hu, Koren and Volinsky (2008, section 5), as implicit's
 * `explain` gives it: with the user's system W_u = (QᵀC_uQ + λ_u I)⁻¹ of the fold-in
 * (fold-in.ts), the fold-in score of item i is
 *   score_i = q_iᵀ W_u Σ_j c_uj q_j = Σ_j s_ij c_uj,   s_ij = q_iᵀ W_u q_j,
 * one term per rated item j (c_uj = 1 + w_j, its confidence). Per user: one Cholesky
 * factorisation (O(dim³ + |R| dim²)); per item: one solve W_u⁻¹ s = q_i and |R| dot products.
 * The buffers are the scorer's (dim x dim, dim, and |R| confidences grown as needed).
 */
import { GrowableBuffer, type Contributions, type ItemExplainer } from '../../math/contributions';
import { choleskyFactor, choleskySolve } from '../../math/linalg/cholesky';
import { ialsUserSystem, type IalsFoldInParams } from './fold-in';

export class IalsReasons implements ItemExplainer {
  private readonly A: Float64Array;
  private readonly s: Float64Array;
  private readonly confidenceBuffer = new GrowableBuffer();
  private confidences: Float64Array = new Float64Array(0);
  private items: Int32Array = new Int32Array(0);

  constructor(
    private readonly Q: Float32Array,
    private readonly dim: number,
  ) {
    this.A = new Float64Array(dim * dim);
    this.s = new Float64Array(dim);
  }

  prepare(gram: ArrayLike<number>, items: Int32Array, ratings: Float32Array, params: IalsFoldInParams): this {
    this.items = items;
    this.confidences = this.confidenceBuffer.of(items.length);
    ialsUserSystem(this.Q, this.dim, gram, items, ratings, params, this.A, undefined, this.confidences);
    if (items.length > 0) choleskyFactor(this.A, this.dim);
    return this;
  }

  explain(item: number, out: Contributions): void {
    const { Q, dim, A, s, items, confidences } = this;
    if (items.length === 0) return;
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
