import { describe, expect, it } from 'vitest';
import { buildItemCsr, buildUserCsr } from '../../lib/data/csr';
import { createRng } from '../../lib/data/random';
import { BiasedGram } from '../../lib/math/linalg/normal-equations';
import { spdInverse } from '../../lib/math/linalg/spd-inverse';
import { sampleGamma, sampleGaussianFromPrecision, sampleWishart } from '../../lib/math/sampling';
import { rowPrior, sampleRowPrior } from '../../lib/models/bpmf/hyperprior';
import { implicitState, refreshImplicitTerms, sampleImplicit } from '../../lib/models/bpmf/implicit';
import { plantedRatings } from './svd-fixtures';

const W = Float64Array.of(2, 0.6, -0.3, 0.6, 1, 0.2, -0.3, 0.2, 0.5);

describe('sampleGamma', () => {
  it.each([
    [0.5, 2],
    [1, 1],
    [7.5, 0.25],
  ])('has mean shape/rate and variance shape/rate² (shape %d, rate %d)', (shape, rate) => {
    const rng = createRng(3);
    const n = 40000;
    let sum = 0;
    let sq = 0;
    let min = Infinity;
    for (let k = 0; k < n; k++) {
      const x = sampleGamma(shape, rate, rng);
      min = Math.min(min, x);
      sum += x;
      sq += x * x;
    }
    expect(min).toBeGreaterThan(0);
    const mean = sum / n;
    expect(mean).toBeCloseTo(shape / rate, 1);
    expect(Math.abs(mean / (shape / rate) - 1)).toBeLessThan(0.03);
    expect(Math.abs((sq / n - mean * mean) / (shape / rate ** 2) - 1)).toBeLessThan(0.06);
  });

  it('refuses a shape or rate that is not positive', () => {
    expect(() => sampleGamma(0, 1, createRng(1))).toThrow(/shape > 0/);
    expect(() => sampleGamma(1, -1, createRng(1))).toThrow(/rate > 0/);
  });
});

describe('sampleWishart (Bartlett)', () => {
  it('has sample mean nu·W and variance nu (W_ij² + W_ii W_jj)', () => {
    const rng = createRng(5);
    const n = 3;
    const nu = 6;
    const draws = 20000;
    const sum = new Float64Array(n * n);
    const sq = new Float64Array(n * n);
    const out = new Float64Array(n * n);
    for (let d = 0; d < draws; d++) {
      sampleWishart(W, n, nu, rng, out);
      for (let k = 0; k < n * n; k++) {
        sum[k] += out[k]!;
        sq[k] += out[k]! ** 2;
      }
    }
    expect(out[1]).toBe(out[3]); // symmetric
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        const mean = sum[k]! / draws;
        const variance = nu * (W[k]! ** 2 + W[i * n + i]! * W[j * n + j]!);
        // Within 4 standard errors of the mean.
        expect(Math.abs(mean - nu * W[k]!)).toBeLessThan(4 * Math.sqrt(variance / draws));
        expect(Math.abs((sq[k]! / draws - mean * mean) / variance - 1)).toBeLessThan(0.1);
      }
    }
  });

  it('leaves the scale matrix alone and refuses too few degrees of freedom', () => {
    const copy = W.slice();
    sampleWishart(W, 3, 3, createRng(1));
    expect(Array.from(W)).toEqual(Array.from(copy));
    expect(() => sampleWishart(W, 3, 2, createRng(1))).toThrow(/nu > n - 1/);
  });
});

describe('sampleGaussianFromPrecision', () => {
  it('draws N(Λ⁻¹h, Λ⁻¹)', () => {
    const rng = createRng(9);
    const n = 3;
    const h = Float64Array.of(1, -2, 0.5);
    const cov = spdInverse(W.slice(), n);
    const mean = new Float64Array(n);
    for (let a = 0; a < n; a++) for (let c = 0; c < n; c++) mean[a] += cov[a * n + c]! * h[c]!;
    const draws = 40000;
    const sum = new Float64Array(n);
    const outer = new Float64Array(n * n);
    const x = new Float64Array(n);
    const A = new Float64Array(n * n);
    for (let d = 0; d < draws; d++) {
      A.set(W);
      sampleGaussianFromPrecision(A, n, h, rng, x);
      for (let a = 0; a < n; a++) {
        sum[a] += x[a]!;
        for (let c = 0; c < n; c++) outer[a * n + c] += (x[a]! - mean[a]!) * (x[c]! - mean[c]!);
      }
    }
    for (let a = 0; a < n; a++) {
      expect(Math.abs(sum[a]! / draws - mean[a]!)).toBeLessThan(4 * Math.sqrt(cov[a * n + a]! / draws));
      for (let c = 0; c < n; c++) expect(outer[a * n + c]! / draws).toBeCloseTo(cov[a * n + c]!, 1);
    }
  });
});

describe('sampleRowPrior (Normal-Wishart posterior)', () => {
  it('centres on the rows: mean ≈ their mean, precision ≈ the inverse of their covariance', () => {
    const rng = createRng(4);
    const K = 3;
    const n = 20000;
    const rows = new Float32Array(n * K);
    // Rows x = m + C ε with C = diag(0.5, 1, 2): covariance diag(0.25, 1, 4).
    const m = [1, -0.5, 0.25];
    const sd = [0.5, 1, 2];
    for (let r = 0; r < n; r++) for (let a = 0; a < K; a++) rows[r * K + a] = m[a]! + sd[a]! * rng.nextGaussian();
    const prior = rowPrior(K);
    sampleRowPrior(rows, n, 2, rng, prior);
    for (let a = 0; a < K; a++) {
      expect(prior.mean[a]).toBeCloseTo(m[a]!, 1);
      expect(prior.precision[a * K + a]! * sd[a]! ** 2).toBeCloseTo(1, 1);
      let info = 0;
      for (let c = 0; c < K; c++) info += prior.precision[a * K + c]! * prior.mean[c]!;
      expect(prior.info[a]).toBeCloseTo(info, 10);
    }
  });
});

describe('BiasedGram', () => {
  it('adds w Σ x xᵀ (lower triangle) and w Σ t x for x = [row, 1]', () => {
    const X = Float32Array.of(1, 2, 9, 3, -1, 9, 0.5, 4, 9); // rows of stride 3, dim 2
    const A = new Float64Array(9);
    const b = new Float64Array(3);
    A.fill(1);
    b.fill(1);
    new BiasedGram(2).add(X, 3, Int32Array.of(5, 0, 2), Float32Array.of(7, 1.5, -2), 1, 3, 2, A, b);
    const xs = [
      [1, 2, 1],
      [0.5, 4, 1],
    ];
    const ts = [1.5, -2];
    for (let a = 0; a < 3; a++) {
      expect(b[a]).toBeCloseTo(1 + 2 * (ts[0]! * xs[0]![a]! + ts[1]! * xs[1]![a]!), 12);
      for (let c = 0; c < 3; c++) {
        const want = 1 + (c <= a ? 2 * (xs[0]![a]! * xs[0]![c]! + xs[1]![a]! * xs[1]![c]!) : 0);
        expect(A[a * 3 + c]).toBeCloseTo(want, 12);
      }
    }
  });
});

describe('sampleImplicit', () => {
  it('keeps the residuals and z_u in step with the Y it draws', () => {
    const { train } = plantedRatings({ users: 40, items: 30, perUser: 8, seed: 3 });
    const users = buildUserCsr(train);
    const items = buildItemCsr(train);
    const dim = 3;
    const K = dim + 1;
    const rng = createRng(2);
    const V = Float32Array.from({ length: 30 * K }, () => rng.nextGaussian());
    const s = implicitState(users, 30, dim);
    s.Y.set(Float32Array.from({ length: 30 * dim }, () => 0.3 * rng.nextGaussian()));
    refreshImplicitTerms(s, users);
    // Residuals of a model whose only term is q_i·z_u.
    const residualOf = () =>
      Float64Array.from(users.ratings, (r, k) => {
        const u = users.offsets.findLastIndex((o, at) => o <= k && at < users.offsets.length - 1);
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += V[users.items[k]! * K + d]! * s.Z[u * dim + d]!;
        return r - dot;
      });
    const residual = residualOf();
    const before = s.Y.slice();
    sampleImplicit(s, users, items, V, K, residual, 4, rng);
    expect(Array.from(s.Y)).not.toEqual(Array.from(before));
    const Z = s.Z.slice();
    refreshImplicitTerms(s, users);
    for (let k = 0; k < Z.length; k++) expect(Z[k]).toBeCloseTo(s.Z[k]!, 4);
    const fresh = residualOf();
    for (let k = 0; k < residual.length; k++) expect(residual[k]).toBeCloseTo(fresh[k]!, 4);
    expect(Array.from(s.precision).every((l) => l > 0)).toBe(true);
  });
});
