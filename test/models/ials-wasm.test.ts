import { describe, expect, it } from 'vitest';
import { fillCsrPair } from '../../lib/data/csr';
import { nItems, nUsers, type Dataset } from '../../lib/data/dataset';
import { createRng } from '../../lib/data/random';
import { asCsrArrays, batchRowBytes, ialsState, type IalsSource } from '../../lib/models/ials/state';
import type { SharedIalsState, Side } from '../../lib/models/ials/tasks';
import { wasmIalsAvailable } from '../../lib/models/ials/wasm';
import { IalsThreads } from '../../lib/models/ials/workers';
import { fitModel } from '../helpers/fit';
import { clusteredDataset, datasetOf } from './ials-fixtures';

type Kernel = 'js' | 'wasm' | 'wasm-batched' | 'wasm-prefix';

/** Batch limits: none, everything, or room for 20 rows of dim 8 (a prefix of the 50 items, not of the 120 users). */
const batchLimit: Record<Kernel, number> = { js: 0, wasm: 0, 'wasm-batched': Infinity, 'wasm-prefix': 20 * batchRowBytes(8) };

/** The data's interactions, weights 1.25 r. */
const sourceOf = (data: Dataset): IalsSource => ({
  entries: data.size,
  fill(users, items) {
    fillCsrPair(data, asCsrArrays(users), asCsrArrays(items));
    for (const w of [users.weights, items.weights]) w.forEach((r, k) => (w[k] = 1.25 * r));
  },
});

/** A state over `data` with the same random start for every kernel. */
function stateFor(data: Dataset, kernel: Kernel, threads: number, dim: number, regExponent: number): SharedIalsState {
  const s = ialsState(
    nUsers(data),
    nItems(data),
    sourceOf(data),
    { dim, reg: 3, regExponent, cgSteps: 3 },
    { threads, wasm: kernel !== 'js', batchLimitBytes: batchLimit[kernel] },
  );
  const rng = createRng(5);
  for (let k = 0; k < s.P.length; k++) s.P[k] = rng.nextGaussian() * 0.1;
  for (let k = 0; k < s.Q.length; k++) s.Q[k] = rng.nextGaussian() * 0.1;
  return s;
}

async function run(data: Dataset, kernel: Kernel, threads: number, steps: Side[], regExponent = 0) {
  const s = stateFor(data, kernel, threads, 8, regExponent);
  const pool = await IalsThreads.start(s, threads);
  try {
    for (const side of steps) await pool.halfStep(side);
    const batched = Object.entries(s.wasm?.layout.batched ?? {}).map(([side, b]) => `${side}:${b.rows}`);
    return { P: s.P.slice(), Q: s.Q.slice(), objective: await pool.userObjective(), batched };
  } finally {
    await pool.close();
  }
}

const relativeError = (got: Float32Array, want: Float32Array): number => {
  let d = 0;
  let n = 0;
  for (let k = 0; k < want.length; k++) {
    d += (got[k]! - want[k]!) ** 2;
    n += want[k]! ** 2;
  }
  return Math.sqrt(d / n);
};

/** Users with 0 to 30 random items of 50, some with none, some items never rated. */
function randomData(seed: number): Dataset {
  const rng = createRng(seed);
  const triples: Array<[number, number, number]> = [];
  for (let u = 0; u < 120; u++) {
    const n = u % 17 === 0 ? 0 : rng.nextInt(30);
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(rng.nextInt(45));
    for (const i of chosen) triples.push([u, i, 1 + rng.nextInt(5)]);
  }
  return datasetOf(triples, 120, 50);
}

describe.runIf(wasmIalsAvailable())('the WebAssembly iALS kernel', () => {
  const data = randomData(3);
  const epochs: Side[] = ['items', 'users', 'items', 'users', 'items', 'users'];

  it.each([
    ['row by row', 'wasm', []],
    ['batched', 'wasm-batched', ['users:120', 'items:50']],
    ['first rows batched, the rest row by row', 'wasm-prefix', ['items:20']],
  ] as const)('agrees with the JS reference to float32 tolerance (%s), with rows that rate nothing', async (_, kernel, batched) => {
    for (const regExponent of [0, 0.5]) {
      const js = await run(data, 'js', 1, epochs, regExponent);
      const wasm = await run(data, kernel, 1, epochs, regExponent);
      expect(wasm.batched).toEqual(batched);
      expect(relativeError(wasm.P, js.P)).toBeLessThan(1e-4);
      expect(relativeError(wasm.Q, js.Q)).toBeLessThan(1e-4);
      expect(Math.abs(wasm.objective - js.objective) / Math.abs(js.objective)).toBeLessThan(1e-5);
      // The users who rate nothing (every 17th) get x = 0, as in the reference.
      expect(Array.from(wasm.P.subarray(0, 8))).toEqual(new Array(8).fill(0));
    }
  });

  it.each(['wasm', 'wasm-batched', 'wasm-prefix'] as const)('gives the same factors on 1 and 2 threads (%s)', async (kernel) => {
    const one = await run(data, kernel, 1, epochs);
    const two = await run(data, kernel, 2, epochs);
    expect(two.P).toEqual(one.P);
    expect(two.Q).toEqual(one.Q);
    // The objective is summed by thread, so only its last bits may differ.
    expect(Math.abs(two.objective - one.objective)).toBeLessThan(1e-12 * Math.abs(one.objective));
  });

  it('ranks as well as the JS reference on a planted set', async () => {
    const train = clusteredDataset(4);
    const fit = (kernel: 'js' | 'wasm') => fitModel('ials', train, { epochs: 6, dim: 16, kernel }, { seed: 2 });
    const [js, wasm] = [await fit('js'), await fit('wasm')];
    expect(relativeError(wasm.factors.Q, js.factors.Q)).toBeLessThan(1e-3);
    expect(wasm.curve.at(-1)!.batchError).toBeCloseTo(js.curve.at(-1)!.batchError, 5);
  });

  it("refuses kernel 'wasm' for a dim that is not a multiple of 4, naming the param", async () => {
    await expect(fitModel('ials', clusteredDataset(4), { dim: 6, kernel: 'wasm' })).rejects.toThrow(/kernel 'wasm' needs dim to be a multiple of 4/);
  });
});
