import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/data/random';
import { choleskyFactor, choleskySolve } from '../../lib/math/linalg/cholesky';
import { addOuter, gram } from '../../lib/math/linalg/dense';
import { PushThroughSolver } from '../../lib/math/linalg/push-through';
import { symmetricEigen } from '../../lib/math/linalg/symmetric-eigen';
import { ItemEigenbasis } from '../../lib/models/ials/item-eigenbasis';

const gaussians = (length: number, seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.nextGaussian());
};

describe('symmetricEigen', () => {
  it('V is orthonormal and V diag(values) Vᵀ reproduces G (full rank, rank-deficient, diagonal)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 30 }), fc.integer(), (n, rows, seed) => {
        const G = new Float64Array(n * n);
        gram(gaussians(rows * n, seed), rows, n, G);
        const { values, vectors: V } = symmetricEigen(G, n);
        let scale = 1;
        for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(G[k]!));
        for (let a = 0; a < n; a++)
          for (let b = 0; b < n; b++) {
            let vtv = 0;
            let g = 0;
            for (let k = 0; k < n; k++) {
              vtv += V[k * n + a]! * V[k * n + b]!;
              g += V[a * n + k]! * values[k]! * V[b * n + k]!;
            }
            expect(Math.abs(vtv - (a === b ? 1 : 0))).toBeLessThan(1e-10);
            expect(Math.abs(g - G[a * n + b]!)).toBeLessThan(1e-10 * scale);
          }
        // A Gram matrix is PSD: rank-deficient ones (rows < n) have zero eigenvalues, never negative ones beyond rounding.
        for (const v of values) expect(v).toBeGreaterThan(-1e-9 * scale);
      }),
      { numRuns: 40 },
    );
  });

  it('an indefinite matrix: eigenpairs satisfy G v = λ v', () => {
    const n = 9;
    const rng = createRng(3);
    const G = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b <= a; b++) G[a * n + b] = G[b * n + a] = rng.nextGaussian();
    const { values, vectors: V } = symmetricEigen(G, n);
    expect(Math.min(...values)).toBeLessThan(0);
    for (let k = 0; k < n; k++)
      for (let a = 0; a < n; a++) {
        let gv = 0;
        for (let b = 0; b < n; b++) gv += G[a * n + b]! * V[b * n + k]!;
        expect(gv).toBeCloseTo(values[k]! * V[a * n + k]!, 10);
      }
  });
});

describe('PushThroughSolver', () => {
  /** X A⁻¹ s by forming A = D + Σ w_j x_j xᵀ and solving it: the reference. */
  function direct(table: Float32Array, width: number, items: Int32Array, appendOne: boolean, D: Float64Array, w: number[], s: Float64Array): number[] {
    const n = D.length;
    const A = new Float64Array(n * n);
    for (let a = 0; a < n; a++) A[a * n + a] = D[a]!;
    const x = new Float64Array(n);
    const rows = items.map((i) => i);
    const xs = Array.from(rows, (i) => {
      const r = new Float64Array(n);
      for (let a = 0; a < width; a++) r[a] = table[i * width + a]!;
      if (appendOne) r[width] = 1;
      return r;
    });
    xs.forEach((r, j) => addOuter(A, n, w[j]!, r, 0));
    choleskyFactor(A, n);
    choleskySolve(A, n, s, x);
    return xs.map((r) => r.reduce((t, v, a) => t + v * x[a]!, 0));
  }

  it('gives X A⁻¹ s of the dense solve, with a bias column, uniform, mixed and zero weights', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), fc.constantFrom('uniform', 'mixed', 'someZero'), fc.integer(), (width, m, appendOne, weighting, seed) => {
        const nItems = 40;
        const n = width + (appendOne ? 1 : 0);
        const table = gaussians(nItems * width, seed);
        const rng = createRng(seed + 1);
        const items = Int32Array.from({ length: m }, (_, k) => (k * 7 + (seed & 3)) % nItems);
        const D = Float64Array.from({ length: n }, () => 0.1 + 2 * rng.next());
        const w = Array.from({ length: m }, (_, j) => (weighting === 'uniform' ? 1.5 : weighting === 'someZero' && j % 3 === 0 ? 0 : 0.2 + 5 * rng.next()));
        const solver = new PushThroughSolver(n);
        solver.prepare(table, width, items, appendOne, D, weighting === 'uniform' ? 1.5 : w);
        const source = gaussians(width, seed + 2);
        const u = new Float64Array(m);
        solver.project(source, 0, width, u);
        const s = new Float64Array(n);
        s.set(source);
        const want = direct(table, width, items, appendOne, D, w, s);
        want.forEach((v, j) => expect(Math.abs(u[j]! - v)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(v))));
      }),
      { numRuns: 60 },
    );
  });

  it('reuses its buffers for a smaller user after a larger one', () => {
    const width = 5;
    const table = gaussians(30 * width, 8);
    const D = Float64Array.from({ length: width }, () => 1);
    const solver = new PushThroughSolver(width);
    const u = new Float64Array(8);
    solver.prepare(table, width, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), false, D, 2);
    solver.project(table, 9 * width, width, u);
    const small = Int32Array.from([3, 11]);
    solver.prepare(table, width, small, false, D, [2, 2]);
    const got = new Float64Array(2);
    solver.project(table, 9 * width, width, got);
    const s = Float64Array.from(table.subarray(9 * width, 10 * width));
    const want = direct(table, width, small, false, Float64Array.from(D), [2, 2], s);
    want.forEach((v, j) => expect(got[j]).toBeCloseTo(v, 10));
  });
});

describe('ItemEigenbasis', () => {
  it('rotates rows on demand by an orthonormal V: dot products kept, QᵀQ diagonal in the new basis', () => {
    const dim = 7;
    const nItems = 25;
    const Q = gaussians(nItems * dim, 21);
    const G = new Float64Array(dim * dim);
    gram(Q, nItems, dim, G);
    const basis = new ItemEigenbasis(Q, nItems, dim, G);
    expect(basis.rotated.subarray(3 * dim, 4 * dim).every((v) => v === 0)).toBe(true);
    basis.ensure(Int32Array.from({ length: nItems }, (_, i) => i));
    const rowDot = (X: Float32Array, i: number, j: number) => {
      let s = 0;
      for (let a = 0; a < dim; a++) s += X[i * dim + a]! * X[j * dim + a]!;
      return s;
    };
    for (const [i, j] of [[0, 0], [3, 11], [24, 7]] as const) expect(rowDot(basis.rotated, i, j)).toBeCloseTo(rowDot(Q, i, j), 4);
    const rotatedGram = new Float64Array(dim * dim);
    gram(basis.rotated, nItems, dim, rotatedGram);
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++) expect(rotatedGram[a * dim + b]!).toBeCloseTo(a === b ? basis.values[a]! : 0, 3);
  });
});
