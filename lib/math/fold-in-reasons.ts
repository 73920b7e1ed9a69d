/**
 * The reasons of a linear fold-in. The factor kinds that solve for a visitor's row
 *   A [p; b_u] = c + w Σ_j x_j e_j,   x_j = [q_j; 1],   e_j = r_j - mu - b_j - q_j·z
 * (ridge, ridge-fold-in.ts: A = Σ x xᵀ + |R| diag(reg, .., regBias), c = 0, w = 1; BPMF:
 * A = Λ + α Σ x xᵀ, c = Λμ, w = α), with an optional implicit term z = n Σ_j y_j added to
 * p (SVD++, BPMF with `implicit`), split the interaction part of item i's score,
 * q_i·(p + z), into one term per rated item j:
 *   t_j = w e_j x_j·(A⁻¹ [q_i; 0]) + n q_i·y_j.
 * The terms sum to q_i·(p + z) less q_i·(A⁻¹c)[0..dim), the prior's part (zero for the
 * ridge). Biases (mu, b_u, b_i) are not reasons: they are not split.
 * With a ridge and fewer ratings than K (m < K, the common case), A = D + XᵀX with D
 * diagonal, and the m values x_j·(A⁻¹ s_i) come from the push-through identity
 * X A⁻¹ = (I + X D⁻¹ Xᵀ)⁻¹ X D⁻¹ (linalg/push-through.ts): per user an m x m factorisation
 * (m²K/2 + m³/6 instead of mK²/2 + K³/6), per item m dots and an m x m solve (instead of a
 * K x K solve and m dots). Otherwise (m ≥ K, or a dense prior: BPMF's Λ, where the
 * identity needs X Λ⁻¹ per user, mK², and does not pay) one K x K factorisation per user
 * and one solve per item.
 */
import { explainEach, GrowableBuffer, type Contributions, type ItemExplainer, type LargestTerms } from './contributions';
import { choleskyFactor, choleskySolve } from './linalg/cholesky';
import { BiasedGram } from './linalg/normal-equations';
import { PushThroughSolver } from './linalg/push-through';
import { itemResiduals } from './ridge-fold-in';
import { dot, type ScoringModel } from './scoring';

type ItemRows = Pick<ScoringModel, 'dim' | 'Q' | 'mu' | 'itemBias'> & { Y?: Float32Array };

/** How the kind's fold-in forms A: w, a prior precision (K x K) or a ridge diagonal (scaled by |R| here, as ridgeFoldIn does). */
export interface LinearFoldInSystem {
  weight: number;
  prior?: Float64Array;
  ridge?: { reg: number; regBias: number };
}

export class FoldInReasons implements ItemExplainer {
  private readonly K: number;
  private readonly A: Float64Array;
  private readonly s: Float64Array;
  private readonly gram: BiasedGram;
  private readonly residualBuffer = new GrowableBuffer();
  private readonly projectionBuffer = new GrowableBuffer();
  private readonly termScaleBuffer = new GrowableBuffer();
  private readonly ridgeDiagonal: Float64Array;
  private pushThrough: PushThroughSolver | undefined;
  private usePushThrough = false;
  private projection: Float64Array = new Float64Array(0);
  private termScale: Float64Array = new Float64Array(0);
  private residuals: Float64Array = new Float64Array(0);
  private items: Int32Array = new Int32Array(0);
  private weight = 1;
  private implicitNorm = 0;

  /** `path: 'solve'` keeps the K x K solve even where push-through applies (the tests compare the two). */
  constructor(
    private readonly m: ItemRows,
    private readonly path: 'fastest' | 'solve' = 'fastest',
  ) {
    this.K = m.dim + 1;
    this.A = new Float64Array(this.K * this.K);
    this.s = new Float64Array(this.K);
    this.gram = new BiasedGram(m.dim);
    this.ridgeDiagonal = new Float64Array(this.K);
  }

  /**
   * Factors the user's A. `implicit` is the kind's z for these items and its n (the same
   * z its fold-in used); items ascending with their ratings.
   */
  prepare(items: Int32Array, ratings: Float32Array, system: LinearFoldInSystem, implicit?: { z: Float32Array; norm: number }): this {
    const { K, A, m } = this;
    this.items = items;
    this.weight = system.weight;
    this.implicitNorm = implicit && m.Y ? implicit.norm : 0;
    this.residuals = itemResiduals(m, items, ratings, implicit?.z, this.residualBuffer.of(items.length));
    const { ridge } = system;
    this.usePushThrough = this.path === 'fastest' && !system.prior && ridge !== undefined && ridge.reg > 0 && ridge.regBias > 0 && items.length > 0 && items.length < K;
    if (this.usePushThrough) {
      const D = this.ridgeDiagonal;
      for (let a = 0; a < K; a++) D[a] = (a < m.dim ? ridge!.reg : ridge!.regBias) * items.length;
      (this.pushThrough ??= new PushThroughSolver(K, 'fastest', m.Q)).prepare(m.Q, m.dim, items, true, D, system.weight);
      this.projection = this.projectionBuffer.of(items.length);
      this.termScale = this.termScaleBuffer.of(items.length);
      for (let k = 0; k < items.length; k++) this.termScale[k] = system.weight * this.residuals[k]!;
      return this;
    }
    if (system.prior) A.set(system.prior);
    else A.fill(0);
    if (system.ridge) {
      const count = Math.max(1, items.length);
      for (let a = 0; a < K; a++) A[a * K + a] += (a < m.dim ? system.ridge.reg : system.ridge.regBias) * count;
    }
    this.gram.add(m.Q, m.dim, items, this.residuals, 0, items.length, system.weight, A);
    choleskyFactor(A, K);
    return this;
  }

  explain(item: number, out: Contributions): void {
    if (this.usePushThrough) this.explainPushedThrough(item, out);
    else this.explainSolved(item, out);
  }

  largestTerms(explained: ArrayLike<number>, count: number, out: readonly LargestTerms[]): void {
    if (!this.usePushThrough || this.implicitNorm !== 0) {
      explainEach(this, explained, count, out);
      return;
    }
    // t_j = (w e_j) x_j·(A⁻¹ [q_i; 0]): the solver reduces the terms itself.
    this.pushThrough!.largestTerms(this.m.Q, this.m.dim, explained, count, this.m.dim, this.termScale, out);
    for (let k = 0; k < count; k++) out[k]!.resolveIndices(this.items);
  }

  private explainPushedThrough(item: number, out: Contributions): void {
    const { m, items, residuals, weight, implicitNorm, projection } = this;
    const { dim, Q, Y } = m;
    const qi = item * dim;
    this.pushThrough!.project(Q, qi, dim, projection);
    for (let k = 0; k < items.length; k++) {
      let term = weight * residuals[k]! * projection[k]!;
      if (implicitNorm !== 0) term += implicitNorm * dot(Q, qi, Y!, items[k]! * dim, dim);
      out.add(items[k]!, term);
    }
  }

  private explainSolved(item: number, out: Contributions): void {
    const { K, A, s, m, items, residuals, weight, implicitNorm } = this;
    const { dim, Q, Y } = m;
    const qi = item * dim;
    for (let a = 0; a < dim; a++) s[a] = Q[qi + a]!;
    s[dim] = 0;
    choleskySolve(A, K, s, s);
    for (let k = 0; k < items.length; k++) {
      const qj = items[k]! * dim;
      let xs = s[dim]!;
      for (let a = 0; a < dim; a++) xs += Q[qj + a]! * s[a]!;
      let term = weight * residuals[k]! * xs;
      if (implicitNorm !== 0) term += implicitNorm * dot(Q, qi, Y!, qj, dim);
      out.add(items[k]!, term);
    }
  }
}
