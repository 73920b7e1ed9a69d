import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/data/random';
import { ConjugateGradient, denseOperator } from '../../lib/math/linalg/cg';
import { choleskyFactor, choleskySolve } from '../../lib/math/linalg/cholesky';
import { addOuter, gram, matVec } from '../../lib/math/linalg/dense';
import { spdInverse } from '../../lib/math/linalg/spd-inverse';

/** A random SPD matrix MᵀM + shift·I (n x n) from a seed. */
function randomSpd(n: number, seed: number, shift = 0.1): Float64Array {
  const rng = createRng(seed);
  const M = Float64Array.from({ length: n * n }, () => rng.nextGaussian());
  const A = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += M[r * n + a]! * M[r * n + b]!;
      A[a * n + b] = s + (a === b ? shift : 0);
    }
  return A;
}

function randomVector(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.nextGaussian());
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
};

describe('cholesky', () => {
  it('solves an SPD system: A x reproduces b', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer(), (n, seed) => {
        const A = randomSpd(n, seed, 0.5);
        const b = randomVector(n, seed + 1);
        const L = A.slice();
        choleskyFactor(L, n);
        const x = new Float64Array(n);
        choleskySolve(L, n, b, x);
        const Ax = new Float64Array(n);
        matVec(A, n, x, Ax);
        expect(maxAbsDiff(Ax, b)).toBeLessThan(1e-8 * (1 + Math.max(...b.map(Math.abs))));
      }),
      { numRuns: 40 },
    );
  });

  it('rejects a matrix that is not positive definite', () => {
    const A = Float64Array.from([1, 2, 2, 1]); // eigenvalues 3 and -1
    expect(() => choleskyFactor(A, 2)).toThrow(/not positive definite/);
  });
});

describe('conjugate gradient', () => {
  it('matches the Cholesky solution after n steps on a small SPD system', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer(), (n, seed) => {
        const A = randomSpd(n, seed, 1);
        const b = randomVector(n, seed + 7);
        const L = A.slice();
        choleskyFactor(L, n);
        const direct = new Float64Array(n);
        choleskySolve(L, n, b, direct);

        const x = randomVector(n, seed + 9); // any warm start
        new ConjugateGradient(n).solve(denseOperator(A, n), b, x, 4 * n, 1e-13);
        expect(maxAbsDiff(x, direct)).toBeLessThan(1e-6 * (1 + Math.max(...direct.map(Math.abs))));
      }),
      { numRuns: 40 },
    );
  });

  it('a few steps from a warm start already reduce the error, and a converged start stays put', () => {
    const n = 16;
    const A = randomSpd(n, 3, 2);
    const b = randomVector(n, 4);
    const L = A.slice();
    choleskyFactor(L, n);
    const direct = new Float64Array(n);
    choleskySolve(L, n, b, direct);
    const cg = new ConjugateGradient(n);
    const op = denseOperator(A, n);

    const x = new Float64Array(n);
    const before = maxAbsDiff(x, direct);
    const steps = cg.solve(op, b, x, 3);
    expect(steps).toBe(3);
    expect(maxAbsDiff(x, direct)).toBeLessThan(before);

    const exact = direct.slice();
    expect(cg.solve(op, b, exact, 3, 1e-6)).toBe(0);
    expect(maxAbsDiff(exact, direct)).toBe(0);
  });
});

describe('dense helpers', () => {
  it('gram equals XᵀX computed naively, and addOuter adds w x xᵀ', () => {
    const rows = 7;
    const n = 4;
    const rng = createRng(11);
    const X = Float32Array.from({ length: rows * n }, () => rng.nextGaussian());
    const G = new Float64Array(n * n);
    gram(X, rows, n, G);
    const naive = new Float64Array(n * n);
    for (let r = 0; r < rows; r++) addOuter(naive, n, 1, X, r * n);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += X[r * n + a]! * X[r * n + b]!;
        expect(G[a * n + b]).toBeCloseTo(s, 9);
        expect(naive[a * n + b]).toBeCloseTo(s, 9);
      }
  });
});

describe('spdInverse', () => {
  it('gives a symmetric X with A X = I for random SPD matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 14 }), fc.integer(), (n, seed) => {
        const A = randomSpd(n, seed, 0.5);
        const X = spdInverse(A.slice(), n);
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            expect(X[a * n + b]).toBe(X[b * n + a]);
            let s = 0;
            for (let k = 0; k < n; k++) s += A[a * n + k]! * X[k * n + b]!;
            expect(s).toBeCloseTo(a === b ? 1 : 0, 8);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
