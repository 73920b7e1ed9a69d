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
 * One factorisation per user (prepare), one K x K solve per item explained.
 */
import type { Contributions, ItemExplainer } from './contributions';
import { GrowableBuffer } from './contributions';
import { choleskyFactor, choleskySolve } from './linalg/cholesky';
import { BiasedGram } from './linalg/normal-equations';
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
  private readonly rhs: Float64Array;
  private readonly gram: BiasedGram;
  private readonly residualBuffer = new GrowableBuffer();
  private residuals: Float64Array = new Float64Array(0);
  private items: Int32Array = new Int32Array(0);
  private weight = 1;
  private implicitNorm = 0;

  constructor(private readonly m: ItemRows) {
    this.K = m.dim + 1;
    this.A = new Float64Array(this.K * this.K);
    this.s = new Float64Array(this.K);
    this.rhs = new Float64Array(this.K);
    this.gram = new BiasedGram(m.dim);
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
    if (system.prior) A.set(system.prior);
    else A.fill(0);
    if (system.ridge) {
      const count = Math.max(1, items.length);
      for (let a = 0; a < K; a++) A[a * K + a] += (a < m.dim ? system.ridge.reg : system.ridge.regBias) * count;
    }
    this.gram.add(m.Q, m.dim, items, this.residuals, 0, items.length, system.weight, A, this.rhs);
    choleskyFactor(A, K);
    return this;
  }

  explain(item: number, out: Contributions): void {
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
