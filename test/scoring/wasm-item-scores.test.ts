import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserState } from '../../lib/math/factors';
import { scoreAllFactors, scoreDot, selectTopN, TopN, type ScoringModel } from '../../lib/math/scoring';
import { WasmItemScores, wasmItemScoresAvailable } from '../../lib/math/wasm-item-scores';
import { svdServing } from '../../lib/models/svd/serve';

const value = fc.float({ min: Math.fround(-2), max: Math.fround(2), noNaN: true });

/**
 * A model whose item rows and biases are mostly drawn from a pool of four, so many items
 * tie exactly, the rest random; any dim (most not a multiple of 4), with or without biases.
 */
const modelArb = fc
  .record({ nItems: fc.integer({ min: 0, max: 70 }), dim: fc.integer({ min: 0, max: 13 }), scoring: fc.constantFrom('rating' as const, 'ranking' as const) })
  .chain(({ nItems, dim, scoring }) => {
    const row = fc.array(value, { minLength: dim, maxLength: dim });
    return fc.record({
      nItems: fc.constant(nItems),
      dim: fc.constant(dim),
      scoring: fc.constant(scoring),
      mu: fc.double({ min: -3, max: 3, noNaN: true }),
      pool: fc.array(fc.tuple(row, value), { minLength: 4, maxLength: 4 }),
      items: fc.array(fc.oneof(fc.nat({ max: 3 }), fc.tuple(row, value)), { minLength: nItems, maxLength: nItems }),
      withBias: fc.boolean(),
    });
  })
  .map(({ nItems, dim, scoring, mu, pool, items, withBias }): ScoringModel => {
    const Q = new Float32Array(nItems * dim);
    const itemBias = new Float32Array(nItems);
    items.forEach((item, i) => {
      const [row, bias] = typeof item === 'number' ? pool[item]! : item;
      Q.set(row, i * dim);
      itemBias[i] = bias;
    });
    return { scoring, dim, nItems, mu, scale: { min: 1, max: 5 }, Q, ...(withBias ? { itemBias } : {}) };
  });

/** A user of a model: a factor row at some offset (or none), a bias, sorted seen items, and maybe a filter mask. */
const requestArb = (m: ScoringModel) =>
  fc.record({
    vec: fc.option(fc.array(value, { minLength: m.dim + 3, maxLength: m.dim + 3 }), { nil: undefined }),
    offset: fc.integer({ min: 0, max: 3 }),
    bias: value,
    seen: fc.uniqueArray(fc.nat({ max: Math.max(0, m.nItems - 1) }), { maxLength: m.nItems }),
    allowed: fc.option(fc.array(fc.constantFrom(0, 1), { minLength: m.nItems, maxLength: m.nItems }), { nil: undefined }),
    n: fc.integer({ min: 1, max: 15 }),
  });

function userState(r: { vec?: number[]; offset: number; bias: number; seen: number[] }): UserState {
  return { vec: r.vec ? Float32Array.from(r.vec) : undefined, offset: r.offset, bias: r.bias, seen: Int32Array.from(r.seen).sort() };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function topN(m: ScoringModel, scores: Float32Array, user: UserState, n: number, allowed?: Uint8Array) {
  const heap = new TopN(n);
  const count = selectTopN(scores, m.nItems, heap, user.seen, m.scoring === 'rating' ? m.scale : undefined, allowed);
  return { items: Array.from(heap.items.subarray(0, count)), scores: Array.from(heap.scores.subarray(0, count)) };
}

describe('the WebAssembly item scan', () => {
  it('runs here (Node has WebAssembly SIMD), so the properties below test it', () => {
    expect(wasmItemScoresAvailable()).toBe(true);
  });

  it('gives the JS scan\'s scores bit for bit, and so its top-N items, order and ties, with seen items, filters and clipping', () => {
    fc.assert(
      fc.property(modelArb.chain((m) => fc.tuple(fc.constant(m), fc.array(requestArb(m), { minLength: 1, maxLength: 3 }))), ([m, requests]) => {
        const wasm = new WasmItemScores(m);
        const js = new Float32Array(m.nItems);
        for (const r of requests) {
          const user = userState(r);
          scoreAllFactors(m, user, js);
          const got = wasm.scoreAll(user);
          expect(bits(got)).toEqual(bits(js));
          const allowed = r.allowed ? Uint8Array.from(r.allowed) : undefined;
          expect(topN(m, got, user, r.n, allowed)).toEqual(topN(m, js, user, r.n, allowed));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('matches at catalogue shape (2,000 items, dim 64 and 61) and is reused across users', () => {
    for (const dim of [64, 61]) {
      let s = dim;
      const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
      const nItems = 2000;
      const m: ScoringModel = {
        scoring: 'ranking',
        dim,
        nItems,
        mu: 0.1,
        scale: { min: 1, max: 5 },
        Q: Float32Array.from({ length: nItems * dim }, rand),
        itemBias: Float32Array.from({ length: nItems }, rand),
      };
      const wasm = new WasmItemScores(m);
      const js = new Float32Array(nItems);
      for (let u = 0; u < 3; u++) {
        const user: UserState = { vec: Float32Array.from({ length: dim }, rand), offset: 0, bias: rand(), seen: new Int32Array(0) };
        scoreAllFactors(m, user, js);
        expect(bits(wasm.scoreAll(user))).toEqual(bits(js));
      }
    }
  });

  it('is what a factor model\'s Scorer returns', () => {
    const m = { kind: 'svd', ...fc.sample(modelArb.filter((x) => x.nItems > 0 && x.dim > 0), { numRuns: 1, seed: 3 })[0]! };
    const user: UserState = { vec: Float32Array.from({ length: m.dim }, (_, f) => f / m.dim - 0.5), offset: 0, bias: 0.2, seen: new Int32Array(0) };
    const js = new Float32Array(m.nItems);
    scoreAllFactors(m, user, js);
    expect(bits(svdServing.open({ ...m, foldIn: { reg: 0.05, regBias: 0.05 } }).scoreAll(user))).toEqual(bits(js));
  });
});

describe('scoreDot', () => {
  it('is the dot product, to float32 rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }).chain((dim) => fc.tuple(fc.array(value, { minLength: dim, maxLength: dim }), fc.array(value, { minLength: dim, maxLength: dim }))), ([a, b]) => {
        const exact = a.reduce((sum, x, f) => sum + x * b[f]!, 0);
        const bound = a.reduce((sum, x, f) => sum + Math.abs(x * b[f]!), 0) * a.length * 2 ** -23;
        expect(Math.abs(scoreDot(Float32Array.from(a), 0, Float32Array.from(b), 0, a.length) - exact)).toBeLessThanOrEqual(bound + 1e-30);
      }),
    );
  });
});
