import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LargestTerms } from '../../lib/math/contributions';
import { PushThroughSolver } from '../../lib/math/linalg/push-through';
import { wasmPushThroughAvailable } from '../../lib/math/linalg/push-through-wasm';

/**
 * The push-through solver's WebAssembly kernel against its JS reference on random inputs
 * of awkward sizes (m and n odd, even, 1, around 32 and 64): the same u, and the same
 * largest terms of it, to 1e-10 of its largest entry. Each n keeps one solver pair across runs, so users of every m follow
 * one another on the same buffers (grown, never shrunk) as they do when serving.
 */
const M_SIZES = [1, 2, 3, 29, 30, 31];
const N_SIZES = [1, 2, 3, 64, 65, 201];
const TABLE_ROWS = 40;
const TOLERANCE = 1e-10;

const solvers = new Map<number, { wasm: PushThroughSolver; js: PushThroughSolver }>();
const pairFor = (n: number) => {
  let pair = solvers.get(n);
  if (!pair) solvers.set(n, (pair = { wasm: new PushThroughSolver(n), js: new PushThroughSolver(n, 'js') }));
  return pair;
};

const float = fc.float({ min: Math.fround(-2), max: Math.fround(2), noNaN: true, noDefaultInfinity: true });

const caseArb = fc
  .record({ n: fc.constantFrom(...N_SIZES), m: fc.constantFrom(...M_SIZES), appendOne: fc.boolean(), scalarWeight: fc.boolean() })
  .chain(({ n, m, appendOne, scalarWeight }) => {
    const width = appendOne ? n - 1 : n;
    const stride = width + 3;
    return fc.record({
      n: fc.constant(n),
      appendOne: fc.constant(appendOne),
      stride: fc.constant(stride),
      table: fc.array(float, { minLength: TABLE_ROWS * stride, maxLength: TABLE_ROWS * stride }),
      items: fc.array(fc.nat({ max: TABLE_ROWS - 1 }), { minLength: m, maxLength: m }),
      diagonal: fc.array(fc.double({ min: 0.05, max: 20, noNaN: true }), { minLength: n, maxLength: n }),
      // Zero and tiny weights take the Woodbury branch (u = v − H S y) for their rows.
      weights: scalarWeight
        ? fc.double({ min: 0, max: 10, noNaN: true })
        : fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e-5, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })), { minLength: m, maxLength: m }),
      sources: fc.array(fc.record({ row: fc.nat({ max: TABLE_ROWS - 1 }), length: fc.integer({ min: 0, max: n }) }), { minLength: 1, maxLength: 3 }),
    });
  });

describe('the push-through kernel (WebAssembly SIMD, float64)', () => {
  it('compiles here, so the comparison below is not JS against JS', () => {
    expect(wasmPushThroughAvailable()).toBe(true);
  });

  it('gives the JS reference’s u to 1e-10 relative, m in {1, 2, 3, 29, 30, 31}, n in {1, 2, 3, 64, 65, 201}', () => {
    let worst = 0;
    let compared = 0;
    fc.assert(
      fc.property(caseArb, ({ n, appendOne, stride, table, items, diagonal, weights, sources }) => {
        const { wasm, js } = pairFor(n);
        const rows = Float32Array.from(table);
        const rated = Int32Array.from(items);
        wasm.prepare(rows, stride, rated, appendOne, diagonal, typeof weights === 'number' ? weights : Float64Array.from(weights));
        js.prepare(rows, stride, rated, appendOne, diagonal, typeof weights === 'number' ? weights : Float64Array.from(weights));
        const fast = new Float64Array(rated.length + 1).fill(7);
        const reference = new Float64Array(rated.length);
        for (const { row, length } of sources) {
          wasm.project(rows, row * stride, length, fast);
          js.project(rows, row * stride, length, reference);
          let scale = 0;
          for (const x of reference) scale = Math.max(scale, Math.abs(x));
          for (let j = 0; j < rated.length; j++) {
            const error = Math.abs(fast[j]! - reference[j]!);
            expect(error).toBeLessThanOrEqual(TOLERANCE * scale);
            if (scale > 0) worst = Math.max(worst, error / scale);
          }
          // Only u[0 .. m) is written.
          expect(fast[rated.length]).toBe(7);
          compared++;
        }
      }),
      { numRuns: 400, seed: 12 },
    );
    expect(compared).toBeGreaterThanOrEqual(400);
    // The two sum in different orders: they differ, but by rounding.
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it('reduces each u to the largest terms u_j scale_j as the reference does, for batches over the kernel’s 16', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        caseArb,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 31, maxLength: 31 }),
        ({ n, appendOne, stride, table, items, diagonal, weights }, count, keep, scale) => {
          const { wasm, js } = pairFor(n);
          const rows = Float32Array.from(table);
          const rated = Int32Array.from(items);
          const w = typeof weights === 'number' ? weights : Float64Array.from(weights);
          wasm.prepare(rows, stride, rated, appendOne, diagonal, w);
          js.prepare(rows, stride, rated, appendOne, diagonal, w);
          const sources = Int32Array.from({ length: count }, (_, k) => (k * 7 + 3) % TABLE_ROWS);
          const length = appendOne ? n - 1 : n;
          const fast = Array.from({ length: count }, () => new LargestTerms(keep));
          const reference = Array.from({ length: count }, () => new LargestTerms(keep));
          for (const stale of fast) stale.add(5, 1e9); // filled, not added to
          wasm.largestTerms(rows, stride, sources, count, length, scale, fast);
          js.largestTerms(rows, stride, sources, count, length, scale, reference);
          const u = new Float64Array(rated.length);
          for (let k = 0; k < count; k++) {
            const got = fast[k]!;
            const want = reference[k]!;
            // The errors are relative to the largest term of this u, positive or not.
            js.project(rows, sources[k]! * stride, length, u);
            let size = 0;
            for (let j = 0; j < rated.length; j++) size = Math.max(size, Math.abs(u[j]! * scale[j]!));
            expect(Math.abs(got.positiveSum - want.positiveSum)).toBeLessThanOrEqual(TOLERANCE * size * rated.length);
            // Terms equal to rounding may swap places, and one that is zero to rounding may
            // be kept by one only; otherwise the same rows in the same order.
            const clear = (t: LargestTerms) => t.terms.subarray(0, t.count).filter((x) => x > TOLERANCE * size).length;
            expect(clear(got)).toBe(clear(want));
            for (let c = 0; c < Math.min(got.count, want.count); c++) {
              expect(Math.abs(got.terms[c]! - want.terms[c]!)).toBeLessThanOrEqual(TOLERANCE * size);
              const j = got.items[c]!;
              if (j !== want.items[c]) expect(Math.abs(u[j]! * scale[j]! - want.terms[c]!)).toBeLessThanOrEqual(TOLERANCE * size);
            }
            compared++;
          }
        },
      ),
      { numRuns: 200, seed: 21 },
    );
    expect(compared).toBeGreaterThan(1000);
  });

  it('gathers the rows of a resident table itself, with the reference’s results before and after its memory grows', () => {
    const n = 65;
    const stride = n - 1;
    const rows = 400;
    const table = Float32Array.from({ length: rows * stride }, (_, i) => Math.sin(i * 0.37) * 0.8);
    const resident = new PushThroughSolver(n, 'fastest', table);
    const js = new PushThroughSolver(n, 'js');
    const diagonal = Array.from({ length: n }, (_, a) => 0.7 + (a % 3));
    // m = 150 needs more than the first memory (150 float64 rows alone are 80 KB): the copy of the table moves with it.
    for (const m of [3, 150, 30]) {
      const items = Int32Array.from({ length: m }, (_, j) => (j * 13 + m) % rows);
      const weights = Float64Array.from({ length: m }, (_, j) => 0.5 + (j % 4));
      resident.prepare(table, stride, items, true, diagonal, weights);
      js.prepare(table, stride, items, true, diagonal, weights);
      const sources = Int32Array.from({ length: 18 }, (_, k) => (k * 31 + 5) % rows);
      const fast = Array.from({ length: sources.length }, () => new LargestTerms(3));
      const reference = Array.from({ length: sources.length }, () => new LargestTerms(3));
      resident.largestTerms(table, stride, sources, sources.length, stride, weights, fast);
      js.largestTerms(table, stride, sources, sources.length, stride, weights, reference);
      const u = new Float64Array(m);
      const want = new Float64Array(m);
      for (let k = 0; k < sources.length; k++) {
        resident.project(table, sources[k]! * stride, stride, u);
        js.project(table, sources[k]! * stride, stride, want);
        const size = Math.max(...want.map(Math.abs));
        expect(size).toBeGreaterThan(0);
        for (let j = 0; j < m; j++) expect(Math.abs(u[j]! - want[j]!)).toBeLessThanOrEqual(TOLERANCE * size);
        expect(fast[k]!.count).toBe(reference[k]!.count);
        expect(Array.from(fast[k]!.items)).toEqual(Array.from(reference[k]!.items));
        expect(Math.abs(fast[k]!.positiveSum - reference[k]!.positiveSum)).toBeLessThanOrEqual(TOLERANCE * size * m);
      }
    }
  });

  it('covers every m and n of the list', () => {
    for (const n of N_SIZES) {
      for (const m of M_SIZES) {
        const { wasm, js } = pairFor(n);
        const table = Float32Array.from({ length: 50 * n }, (_, i) => Math.sin(i * 0.7) + 0.1);
        const items = Int32Array.from({ length: m }, (_, j) => (j * 7) % 50);
        const diagonal = Array.from({ length: n }, (_, a) => 0.5 + (a % 5));
        const weights = Float64Array.from({ length: m }, (_, j) => (j % 4 === 0 ? 0 : 1 + (j % 3)));
        wasm.prepare(table, n, items, false, diagonal, weights);
        js.prepare(table, n, items, false, diagonal, weights);
        const fast = new Float64Array(m);
        const reference = new Float64Array(m);
        wasm.project(table, 3 * n, n, fast);
        js.project(table, 3 * n, n, reference);
        const scale = Math.max(...reference.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let j = 0; j < m; j++) expect(Math.abs(fast[j]! - reference[j]!)).toBeLessThanOrEqual(TOLERANCE * scale);
      }
    }
  });

  it('refuses a system that is not positive definite as the reference does (a NaN weight)', () => {
    const table = Float32Array.from({ length: 20 }, (_, i) => i / 10);
    const items = Int32Array.from([0, 1, 2]);
    for (const path of ['fastest', 'js'] as const) {
      const solver = new PushThroughSolver(5, path);
      expect(() => solver.prepare(table, 5, items, false, [1, 1, 1, 1, 1], Float64Array.from([1, Number.NaN, 1]))).toThrow(RangeError);
    }
  });
});
