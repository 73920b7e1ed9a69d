/**
 * The iALS half-step kernel: for rows [start, end) of one side (users, or items),
 * solve each row's weighted ridge regression against the fixed other side with a
 * few warm-started conjugate-gradient steps. Shared by the main thread and the
 * workers (lib/models/ials-workers.ts); imports nothing from training code.
 *
 * For row u with interactions R(u), fixed factors Y (rows y_i) and G = YᵀY:
 *
 *   (G + Σ_{i∈R(u)} w_ui y_i y_iᵀ + λ_u I) x_u = Σ_{i∈R(u)} (1 + w_ui) y_i
 *
 * where w_ui = c_ui − 1 = α f(r_ui) (the Gram trick: every unobserved cell has weight 1
 * and preference 0, so it costs nothing beyond G), and λ_u = λ · (N + Σ_{R(u)} w_ui)^ν
 * with N the number of columns: λ times the row's total confidence weight to the
 * power ν (Rendle et al. 2022's frequency-scaled regulariser; ν = 0 is plain λ).
 */
import { ConjugateGradient, type LinearOperator } from '../../math/linalg/cg';
import { rowReg } from './fold-in';

/** One side's interactions as CSR with per-entry extra confidence w = c − 1. */
export interface WeightedCsr {
  offsets: Uint32Array;
  /** Column (other side) index of each entry. */
  cols: Int32Array;
  /** w = α f(r) of each entry. */
  weights: Float32Array;
}

export interface HalfStepParams {
  dim: number;
  reg: number;
  regExponent: number;
  cgSteps: number;
}

/** A x = (G + λ_u I) x + Σ w_ui (y_i·x) y_i for the row currently loaded. */
class RowOperator implements LinearOperator {
  gram: Float64Array = new Float64Array(0);
  fixed: Float32Array = new Float32Array(0);
  cols: Int32Array = new Int32Array(0);
  weights: Float32Array = new Float32Array(0);
  start = 0;
  end = 0;
  reg = 0;

  constructor(readonly dim: number) {}

  apply(x: Float64Array, out: Float64Array): void {
    const { dim, gram, fixed, cols, weights, reg } = this;
    for (let a = 0; a < dim; a++) {
      const row = a * dim;
      let s = reg * x[a]!;
      for (let b = 0; b < dim; b++) s += gram[row + b]! * x[b]!;
      out[a] = s;
    }
    for (let k = this.start; k < this.end; k++) {
      const off = cols[k]! * dim;
      let yx = 0;
      for (let a = 0; a < dim; a++) yx += fixed[off + a]! * x[a]!;
      const s = weights[k]! * yx;
      for (let a = 0; a < dim; a++) out[a] += s * fixed[off + a]!;
    }
  }
}

/** Per-thread scratch for half-steps: allocated once, reused for every row. */
export class HalfStepSolver {
  private readonly op: RowOperator;
  private readonly cg: ConjugateGradient;
  private readonly b: Float64Array;
  private readonly x: Float64Array;

  constructor(readonly dim: number) {
    this.op = new RowOperator(dim);
    this.cg = new ConjugateGradient(dim);
    this.b = new Float64Array(dim);
    this.x = new Float64Array(dim);
  }

  /**
   * Updates rows [start, end) of `target` (rows x dim) in place, given the fixed side
   * `fixed` (nCols x dim) and its Gram matrix `gram` (dim x dim).
   */
  solveRows(
    csr: WeightedCsr,
    nCols: number,
    fixed: Float32Array,
    gram: Float64Array,
    target: Float32Array,
    params: HalfStepParams,
    start: number,
    end: number,
  ): void {
    const { dim, op, cg, b, x } = this;
    const { offsets, cols, weights } = csr;
    op.gram = gram;
    op.fixed = fixed;
    op.cols = cols;
    op.weights = weights;
    for (let u = start; u < end; u++) {
      const from = offsets[u]!;
      const to = offsets[u + 1]!;
      const rowOff = u * dim;
      if (from === to) {
        // No interactions: the minimiser of Σ_i (0 − x·y_i)² + λ‖x‖² is x = 0.
        target.fill(0, rowOff, rowOff + dim);
        continue;
      }
      b.fill(0);
      let weightSum = 0;
      for (let k = from; k < to; k++) {
        const w = weights[k]!;
        weightSum += w;
        const off = cols[k]! * dim;
        const c = 1 + w;
        for (let a = 0; a < dim; a++) b[a] += c * fixed[off + a]!;
      }
      op.start = from;
      op.end = to;
      op.reg = rowReg(params, nCols, weightSum);
      for (let a = 0; a < dim; a++) x[a] = target[rowOff + a]!;
      cg.solve(op, b, x, params.cgSteps);
      for (let a = 0; a < dim; a++) target[rowOff + a] = x[a]!;
    }
  }
}
