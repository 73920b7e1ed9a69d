import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { buildBlocks, unpermuteRows, unpermuteRowsInPlace } from '../../lib/models/kernels/blocks';
import { SpillFile } from '../../lib/models/kernels/spill-file';
import { Snapshot } from '../../lib/models/kernels/training-loop';
import { permutation } from '../../lib/data/random';
import { createMomentumState, momentumStep } from '../../lib/models/kernels/momentum-kernel';
import { WorkerPool } from '../../lib/models/kernels/pool';
import { createRng } from '../../lib/data/random';
import { sgdRange } from '../../lib/models/kernels/sgd-kernel';
import { WasmArena } from '../../lib/wasm/runtime';
import { bindWasmSgd, sgdWasmModule } from '../../lib/models/kernels/wasm-sgd';
import { plantedRatings, tinyDataset } from './svd-fixtures';

// One SGD step on rating (user 0, item 0, r = 4) of a 2 x 2 problem, worked by hand:
// dot = 0.1*0.3 + 0.2*(-0.1) = 0.01; r̂ = 3 + 0.1 - 0.2 + 0.01 = 2.91; e = 1.09
// bu = 0.1 + 0.1 (1.09 - 0.2*0.1) = 0.207;  bi = -0.2 + 0.1 (1.09 + 0.2*0.2) = -0.087
// p = (0.1 + 0.1 (1.09*0.3 - 0.5*0.1), 0.2 + 0.1 (1.09*(-0.1) - 0.5*0.2)) = (0.1277, 0.1791)
// q = (0.3 + 0.1 (1.09*0.1 - 0.5*0.3), -0.1 + 0.1 (1.09*0.2 + 0.5*0.1)) = (0.2959, -0.0732)
const STEP = { mu: 3, lr: 0.1, reg: 0.5, regBias: 0.2 };
const HAND = { sse: 1.1881, bu: 0.207, bi: -0.087, p: [0.1277, 0.1791], q: [0.2959, -0.0732] };

function twoByTwo(dim: number) {
  const P = new Float32Array(2 * dim);
  const Q = new Float32Array(2 * dim);
  P.set([0.1, 0.2], 0);
  P.set([0.7, 0.7], dim);
  Q.set([0.3, -0.1], 0);
  Q.set([0.9, 0.9], dim);
  return { P, Q, userBias: Float32Array.of(0.1, 0.5), itemBias: Float32Array.of(-0.2, 0.5), dim };
}

describe('per-rating SGD step', () => {
  it('matches the hand-worked step (JS kernel) and leaves other rows alone', () => {
    const t = twoByTwo(2);
    const sse = sgdRange(Int32Array.of(0), Int32Array.of(0), Float32Array.of(4), 0, 1, t, STEP);
    expect(sse).toBeCloseTo(HAND.sse, 5);
    expect(t.userBias[0]).toBeCloseTo(HAND.bu, 6);
    expect(t.itemBias[0]).toBeCloseTo(HAND.bi, 6);
    expect(Array.from(t.P.subarray(0, 2))).toEqual(HAND.p.map((x) => expect.closeTo(x, 6)));
    expect(Array.from(t.Q.subarray(0, 2))).toEqual(HAND.q.map((x) => expect.closeTo(x, 6)));
    expect(Array.from(t.P.subarray(2))).toEqual([0.7, 0.7].map((x) => expect.closeTo(x, 6)));
    expect(t.userBias[1]).toBeCloseTo(0.5, 6);
  });

  it('matches the hand-worked step (WebAssembly SIMD kernel)', () => {
    const arena = new WasmArena();
    const s = {
      users: arena.reserve(Int32Array, 1),
      items: arena.reserve(Int32Array, 1),
      ratings: arena.reserve(Float32Array, 1),
      P: arena.reserve(Float32Array, 8),
      Q: arena.reserve(Float32Array, 8),
      userBias: arena.reserve(Float32Array, 2),
      itemBias: arena.reserve(Float32Array, 2),
    };
    const memory = arena.commit();
    const t = twoByTwo(4);
    arena.view<Float32Array>(s.P).set(t.P);
    arena.view<Float32Array>(s.Q).set(t.Q);
    arena.view<Float32Array>(s.userBias).set(t.userBias);
    arena.view<Float32Array>(s.itemBias).set(t.itemBias);
    arena.view<Float32Array>(s.ratings)[0] = 4;
    const run = bindWasmSgd({ module: sgdWasmModule(), memory, layout: { users: 0, items: 0, ratings: 0, P: 0, Q: 0, userBias: 0, itemBias: 0 } });
    const off = (k: keyof typeof s) => arena.offset(s[k]);
    const sse = run(off('users'), off('items'), off('ratings'), 0, 1, off('P'), off('Q'), off('userBias'), off('itemBias'), 4, STEP.mu, STEP.lr, STEP.reg, STEP.regBias);
    expect(sse).toBeCloseTo(HAND.sse, 5);
    expect(arena.view<Float32Array>(s.userBias)[0]).toBeCloseTo(HAND.bu, 6);
    expect(arena.view<Float32Array>(s.itemBias)[0]).toBeCloseTo(HAND.bi, 6);
    const P = arena.view<Float32Array>(s.P);
    const Q = arena.view<Float32Array>(s.Q);
    expect(Array.from(P.subarray(0, 4))).toEqual([...HAND.p, 0, 0].map((x) => expect.closeTo(x, 6)));
    expect(Array.from(Q.subarray(0, 4))).toEqual([...HAND.q, 0, 0].map((x) => expect.closeTo(x, 6)));
    expect(P[4]).toBeCloseTo(0.7, 6);
  });
});

describe('minibatch momentum step', () => {
  // Batch (u0, i0, 4), (u1, i0, 2); dim 1; P = (0.5, -0.5), Q = (1), biases 0, mu 3,
  // reg 0.1, regBias 0, lr 0.1, momentum 0.9, item velocity 0.2 from an earlier step.
  // e = (0.5, -0.5); gP = ((0.05 - 0.5)/2, (-0.05 + 0.5)/2) = (-0.225, 0.225)
  // gQ = ((0.1 - 0.25) + (0.1 - 0.25))/2 = -0.15; gbu = (-0.25, 0.25); gbi = 0
  // vQ = 0.9*0.2 - 0.15 = 0.03 -> Q = 1 - 0.003 = 0.997; P = (0.5225, -0.5225); bu = (0.025, -0.025)
  it('matches the hand-worked step', () => {
    const t = { P: Float32Array.of(0.5, -0.5), Q: Float32Array.of(1), userBias: new Float32Array(2), itemBias: new Float32Array(1), dim: 1 };
    const m = createMomentumState(2, 1, 1, 2);
    m.vQ[0] = 0.2;
    const sse = momentumStep(Int32Array.of(0, 1), Int32Array.of(0, 0), Float32Array.of(4, 2), 0, 2, t, { mu: 3, lr: 0.1, momentum: 0.9, reg: 0.1, regBias: 0 }, m);
    expect(sse).toBeCloseTo(0.5, 6);
    expect(t.P[0]).toBeCloseTo(0.5225, 6);
    expect(t.P[1]).toBeCloseTo(-0.5225, 6);
    expect(t.Q[0]).toBeCloseTo(0.997, 6);
    expect(m.vQ[0]).toBeCloseTo(0.03, 6);
    expect(t.userBias[0]).toBeCloseTo(0.025, 6);
    expect(t.userBias[1]).toBeCloseTo(-0.025, 6);
    expect(t.itemBias[0]).toBeCloseTo(0, 6);
    expect(Array.from(m.gP)).toEqual([0, 0]);
    expect(Array.from(m.gQ)).toEqual([0]);
  });
});

describe('block grouping', () => {
  it('keeps every rating once, puts each in its block, sorts blocks by user slot', () => {
    const { train } = plantedRatings({ users: 60, items: 40, perUser: 10 });
    const grid = 4;
    const b = buildBlocks(train, 60, 40, grid, createRng(5), false);
    expect(b.blockStart[grid * grid]).toBe(train.size);
    const seen = new Map<string, number>();
    for (let r = 0; r < train.size; r++) seen.set(`${b.userSlot[train.users[r]!]}:${b.itemSlot[train.items[r]!]}`, train.ratings[r]!);
    const groupOf = (slot: number, n: number) => Math.floor((slot * grid) / n);
    for (let a = 0; a < grid; a++) {
      for (let c = 0; c < grid; c++) {
        const block = a * grid + c;
        for (let r = b.blockStart[block]!; r < b.blockStart[block + 1]!; r++) {
          expect(groupOf(b.users[r]!, 60)).toBe(a);
          expect(groupOf(b.items[r]!, 40)).toBe(c);
          if (r > b.blockStart[block]!) expect(b.users[r]!).toBeGreaterThanOrEqual(b.users[r - 1]!);
          expect(seen.get(`${b.users[r]}:${b.items[r]}`)).toBe(b.ratings[r]);
          seen.delete(`${b.users[r]}:${b.items[r]}`);
        }
      }
    }
    expect(seen.size).toBe(0);
  });

  it('unpermuteRows brings slot rows back to index order', () => {
    const d = tinyDataset([
      [1, 1, 5],
      [2, 2, 3],
      [3, 1, 4],
    ]);
    const b = buildBlocks(d, 3, 2, 1, createRng(9), false);
    const inSlots = new Float32Array(6);
    for (let u = 0; u < 3; u++) inSlots.set([u, 10 * u], b.userSlot[u]! * 2);
    const out = new Float32Array(6);
    unpermuteRows(inSlots, out, b.userSlot, 2);
    expect(Array.from(out)).toEqual([0, 0, 1, 10, 2, 20]);
  });

  it('unpermuteRowsInPlace gives what unpermuteRows gives, for permutations with cycles of every length', () => {
    for (const [n, dim, seed] of [[1, 3, 1], [2, 1, 2], [50, 3, 3], [1000, 2, 4]] as const) {
      const slot = permutation(n, createRng(seed));
      const rows = Float32Array.from({ length: n * dim }, (_, k) => k);
      const expected = new Float32Array(n * dim);
      unpermuteRows(rows, expected, slot, dim);
      unpermuteRowsInPlace(rows, slot, dim);
      expect(rows).toEqual(expected);
    }
  });

  it('a snapshot with inPlace hands back the live arrays rearranged, or the saved best', () => {
    const live = { P: Float32Array.from([1, 2, 3]) };
    const reverse = (rows: { P: Float32Array }) => rows.P.reverse();
    const fresh = new Snapshot(live, reverse);
    const result = fresh.result(false);
    expect(result.P).toBe(live.P);
    expect(Array.from(result.P)).toEqual([3, 2, 1]);

    // A save is a plain copy; the saved best is rearranged once, when it is handed back.
    const training = { P: Float32Array.from([1, 2, 3]) };
    const saving = new Snapshot(training, reverse);
    saving.save();
    training.P.set([7, 8, 9]);
    const best = saving.result(true);
    expect(best.P).not.toBe(training.P);
    expect(Array.from(best.P)).toEqual([3, 2, 1]);
    expect(Array.from(training.P)).toEqual([7, 8, 9]);
  });

  it('a snapshot above its spill size keeps the best in a scratch file and reads it back into the live arrays', () => {
    // Shared memory, like the SVD kernel's rows: the bytes go out and come back untouched.
    const P = new Float32Array(new SharedArrayBuffer(4 * 5));
    P.set([1, 2, 3, 4, 5]);
    const live: Record<'P' | 'bias', Float32Array> = { P, bias: Float32Array.from([0.5, -0.5]) };
    const reverse = (rows: typeof live) => {
      rows.P.reverse();
      rows.bias.reverse();
    };
    const snapshot = new Snapshot(live, reverse, 0);
    snapshot.save();
    live.P.set([9, 9, 9, 9, 9]);
    live.bias.set([7, 7]);
    const best = snapshot.result(true);
    expect(best.P).toBe(P);
    expect(Array.from(best.P)).toEqual([5, 4, 3, 2, 1]);
    expect(Array.from(best.bias)).toEqual([-0.5, 0.5]);
    // The file is closed once the result is taken: saving again opens a new one.
    snapshot.save();
    snapshot.release();
  });

  it('a spill file holds arrays byte for byte and leaves nothing in its folder, even while open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spill-test-'));
    try {
      const spill = SpillFile.open(dir);
      expect(readdirSync(dir)).toEqual([]);
      const a = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
      const b = Int32Array.from([3, -1, 2 ** 31 - 1]);
      spill.write([a, b.subarray(1)]);
      const a2 = new Float64Array(1000);
      const b2 = new Int32Array(2);
      spill.readInto([a2, b2]);
      expect(a2).toEqual(a);
      expect(Array.from(b2)).toEqual([-1, 2 ** 31 - 1]);
      expect(() => spill.readInto([new Float64Array(2000)])).toThrow(/shorter/);
      spill.close();
      expect(() => spill.write([a])).toThrow(/after close/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('worker pool', () => {
  it('really starts worker threads under vitest and reports task errors', async () => {
    const pool = await WorkerPool.create(2);
    try {
      const ids = await pool.broadcast<number>('ping', null);
      expect(new Set(ids).size).toBe(2);
      expect(ids).not.toContain(threadId);
      await expect(pool.run(0, 'no.such.task', null)).rejects.toThrow(/unknown kernel task "no.such.task"/);
      await expect(pool.run(1, 'sgd.stratum', { shift: 0 })).rejects.toThrow(/before sgd.attach/);
    } finally {
      await pool.close();
    }
    await expect(pool.run(0, 'ping', null)).rejects.toThrow(/closed/);
  });
});
