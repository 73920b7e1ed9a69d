import { describe, expect, it } from 'vitest';
import { fillCsrPair, type CsrArrays } from '../../lib/data/csr';
import { nItems, nUsers } from '../../lib/data/dataset';
import { createRng, fillGaussian } from '../../lib/data/random';
import { gram } from '../../lib/math/linalg/dense';
import { solveIalsBlock } from '../../lib/models/ials/block';
import { extraConfidence } from '../../lib/models/ials/fold-in';
import { ialsState } from '../../lib/models/ials/state';
import type { Side } from '../../lib/models/ials/tasks';
import { ialsTraining } from '../../lib/models/ials/train';
import { IalsThreads } from '../../lib/models/ials/workers';
import { clusteredDataset } from './ials-fixtures';

/** One half-step of `side` over the whole job, as fit runs it: the reference the blocks must match. */
async function wholeHalfStep(tables: Record<Side, CsrArrays>, nU: number, nI: number, P: Float32Array, Q: Float32Array, side: Side, params: ReturnType<typeof ialsTraining.resolve>) {
  const state = ialsState(
    nU,
    nI,
    {
      entries: tables.users.cols.length,
      fill(users, items) {
        for (const [to, from] of [[users, tables.users], [items, tables.items]] as const) {
          to.offsets.set(from.offsets);
          to.cols.set(from.cols);
          for (let k = 0; k < from.values.length; k++) to.weights[k] = extraConfidence(from.values[k]!, params);
        }
      },
    },
    { dim: params.dim, reg: params.reg, regExponent: params.regExponent, cgSteps: params.cgSteps },
    { threads: 1, wasm: params.kernel !== 'js' },
  );
  state.P.set(P);
  state.Q.set(Q);
  const pool = await IalsThreads.start(state, 1);
  await pool.halfStep(side);
  await pool.close();
  return (side === 'users' ? state.P : state.Q).slice();
}

describe('solveIalsBlock (one block of a half-step, for the distributed engine)', () => {
  for (const kernel of ['wasm', 'js'] as const) {
    it(`gives, block by block, the factors of the whole half-step (${kernel} kernel)`, async () => {
      const data = clusteredDataset(4);
      const [nU, nI] = [nUsers(data), nItems(data)];
      const params = ialsTraining.resolve({ dim: 8, kernel });
      const csr = (rows: number): CsrArrays => ({ offsets: new Uint32Array(rows + 1), cols: new Int32Array(data.size), values: new Float32Array(data.size) });
      const tables = { users: csr(nU), items: csr(nI) };
      fillCsrPair(data, tables.users, tables.items);
      const rng = createRng(3);
      const P = fillGaussian(new Float32Array(nU * 8), 0.1, rng);
      const Q = fillGaussian(new Float32Array(nI * 8), 0.1, rng);
      for (const side of ['items', 'users'] as const) {
        const whole = await wholeHalfStep(tables, nU, nI, P, Q, side, params);
        const [own, fixed, rows, otherRows] = side === 'items' ? [tables.items, P, nI, nU] : [tables.users, Q, nU, nI];
        const fixedGram = new Float64Array(64);
        gram(fixed, otherRows, 8, fixedGram);
        const current = side === 'items' ? Q : P;
        const bounds = [0, Math.floor(rows / 3), Math.floor(rows / 2), rows];
        const blocks = new Float32Array(rows * 8);
        let loss = 0;
        for (let b = 0; b + 1 < bounds.length; b++) {
          const [start, end] = [bounds[b]!, bounds[b + 1]!];
          const from = own.offsets[start]!;
          const ratings = {
            offsets: Uint32Array.from(own.offsets.subarray(start, end + 1), (o) => o - from),
            cols: own.cols.slice(from, own.offsets[end]!),
            values: own.values.slice(from, own.offsets[end]!),
          };
          const out = await solveIalsBlock(
            { side, ratings, otherRows, readFixed: async (into) => into.set(fixed), fixedGram, current: current.slice(start * 8, end * 8) },
            params,
          );
          blocks.set(out.factors, start * 8);
          const g = new Float64Array(64);
          gram(out.factors, end - start, 8, g);
          out.gram.forEach((x, k) => expect(x).toBeCloseTo(g[k]!, 4));
          loss += out.loss;
        }
        let maxDiff = 0;
        for (let k = 0; k < whole.length; k++) maxDiff = Math.max(maxDiff, Math.abs(whole[k]! - blocks[k]!));
        expect(maxDiff, side).toBeLessThan(1e-5);
        expect(loss).toBeGreaterThan(0);
      }
    });
  }

  it('refuses factors that do not match the block', async () => {
    const params = ialsTraining.resolve({ dim: 4 });
    const ratings = { offsets: Uint32Array.of(0, 1), cols: Int32Array.of(0), values: Float32Array.of(5) };
    await expect(solveIalsBlock({ side: 'items', ratings, otherRows: 2, readFixed: async () => {}, fixedGram: new Float64Array(16), current: new Float32Array(3) }, params)).rejects.toThrow(RangeError);
  });
});
