import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/data/random';
import { spdInverse } from '../../lib/math/linalg/spd-inverse';
import { BLOCKED_FROM, blockedSpdInverse, invertSpd, spdMatrix, TILE, usesBlockedPath } from '../../lib/models/ease/blocked-inverse';

/** A random SPD matrix MᵀM + shift·I (n x n, M (n + 4) x n Gaussian) from a seed. */
function randomSpd(n: number, seed: number, shift = 0.1): Float64Array {
  const rng = createRng(seed);
  const rows = n + 4;
  const M = Float64Array.from({ length: rows * n }, () => rng.nextGaussian());
  const A = new Float64Array(n * n);
  for (let r = 0; r < rows; r++)
    for (let a = 0; a < n; a++) {
      const x = M[r * n + a]!;
      for (let b = 0; b < n; b++) A[a * n + b] += x * M[r * n + b]!;
    }
  for (let i = 0; i < n; i++) A[i * n + i] += shift;
  return A;
}

/** max |X − ref| / max |ref|. */
function relativeError(X: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < ref.length; k++) {
    diff = Math.max(diff, Math.abs(X[k]! - ref[k]!));
    scale = Math.max(scale, Math.abs(ref[k]!));
  }
  return diff / scale;
}

/** max |A X − I|. */
function identityResidual(A: Float64Array, X: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[a * n + k]! * X[k * n + b]!;
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  return worst;
}

function expectSymmetric(X: ArrayLike<number>, n: number): void {
  let asymmetric = 0;
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) if (X[a * n + b] !== X[b * n + a]) asymmetric++;
  expect(asymmetric).toBe(0);
}

async function expectMatchesReference(n: number, seed: number, tile: number, threads: number): Promise<Float64Array> {
  const A = randomSpd(n, seed);
  const before = A.slice();
  const X = await blockedSpdInverse(A, n, { tile, threads });
  expect(A).toEqual(before);
  expect(relativeError(X, spdInverse(A.slice(), n))).toBeLessThan(1e-9);
  expect(identityResidual(A, X, n)).toBeLessThan(1e-9);
  expectSymmetric(X, n);
  return X;
}

describe('blockedSpdInverse', () => {
  it('equals the reference spdInverse, with A X = I, on awkward sizes and tiles', async () => {
    const tiles = [4, 8, TILE];
    const size = fc.oneof(
      fc.constantFrom(1, 3),
      fc.integer({ min: 1, max: 40 }),
      // tile − 1 and tile + 1: one partial tile, and one full tile and a one-row tile
      fc.tuple(fc.constantFrom(...tiles), fc.constantFrom(-1, 1)).map(([t, d]) => t + d),
    );
    await fc.assert(
      fc.asyncProperty(size, fc.constantFrom(...tiles), fc.integer(), async (n, tile, seed) => {
        await expectMatchesReference(n, seed, tile, 1);
      }),
      { numRuns: 60 },
    );
  });

  it('is the same bit for bit on 1 and 2 threads, a few hundred rows over partial tiles', async () => {
    const n = 3 * TILE + 45;
    const one = await expectMatchesReference(n, 7, TILE, 1);
    const two = await expectMatchesReference(n, 7, TILE, 2);
    expect(Buffer.from(two.buffer, two.byteOffset, two.byteLength).equals(Buffer.from(one.buffer, one.byteOffset, one.byteLength))).toBe(true);
  }, 60_000);

  it('takes many small tiles on 2 threads', async () => {
    await expectMatchesReference(300, 11, 16, 2);
  }, 60_000);

  it('refuses a matrix that is not positive definite, naming the pivot', async () => {
    const n = 20;
    const A = randomSpd(n, 3);
    A[13 * n + 13] = -1;
    await expect(blockedSpdInverse(A, n, { tile: 8, threads: 2 })).rejects.toThrow(/not positive definite \(pivot 13 /);
  }, 60_000);
});

describe('invertSpd', () => {
  it('takes the blocked path from BLOCKED_FROM on, while the matrix fits 32-bit WebAssembly memory', () => {
    expect(usesBlockedPath(BLOCKED_FROM - 1)).toBe(false);
    expect(usesBlockedPath(BLOCKED_FROM)).toBe(true);
    expect(usesBlockedPath(20_000)).toBe(true);
    expect(usesBlockedPath(24_000)).toBe(false);
  });


  it.each([BLOCKED_FROM - 1, BLOCKED_FROM + 1])('inverts a %i x %i SPD matrix on either side of the blocked path', async (n) => {
    const A = randomSpd(n, n);
    const X = await invertSpd(A.slice(), n, { threads: 1 });
    expect(identityResidual(A, X, n)).toBeLessThan(1e-9);
    expectSymmetric(X, n);
  });
});

describe('spdMatrix', () => {
  it('gives a matrix that invertSpd inverts in place from BLOCKED_FROM on', async () => {
    const n = BLOCKED_FROM + 5;
    const A = randomSpd(n, 5);
    const M = spdMatrix(n);
    expect(M.every((v) => v === 0)).toBe(true);
    M.set(A);
    const X = await invertSpd(M, n, { threads: 2 });
    expect(X).toBe(M);
    expect(relativeError(X, spdInverse(A.slice(), n))).toBeLessThan(1e-9);
    expect(identityResidual(A, X, n)).toBeLessThan(1e-9);
  }, 60_000);

  it('refuses to invert a matrix of another size', async () => {
    const M = spdMatrix(BLOCKED_FROM);
    await expect(blockedSpdInverse(M, BLOCKED_FROM - 1)).rejects.toThrow(/made for n = /);
  });
});
