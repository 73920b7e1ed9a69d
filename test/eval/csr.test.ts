import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildItemCsr, buildUserCsr, fillCsrPair, itemsByPopularity } from '../../lib/data/csr';
import { createRng } from '../../lib/data/random';
import { tinyDataset } from './tiny';

describe('buildUserCsr / buildItemCsr', () => {
  const triples: [number, number, number][] = [
    [2, 3, 4],
    [0, 4, 1],
    [2, 0, 5],
    [0, 1, 2],
    [1, 2, 3],
    [0, 0, 4.5],
  ];
  const d = tinyDataset(triples, 4, 5);

  it('groups by user with items ascending, ratings alongside, empty users empty', () => {
    const csr = buildUserCsr(d);
    expect(Array.from(csr.offsets)).toEqual([0, 3, 4, 6, 6]);
    expect(Array.from(csr.items)).toEqual([0, 1, 4, 2, 0, 3]);
    expect(Array.from(csr.ratings)).toEqual([4.5, 2, 1, 3, 5, 4]);
  });

  it('groups by item with users ascending', () => {
    const csr = buildItemCsr(d);
    expect(Array.from(csr.offsets)).toEqual([0, 2, 3, 4, 5, 6]);
    expect(Array.from(csr.users)).toEqual([0, 2, 0, 1, 2, 0]);
    expect(Array.from(csr.ratings)).toEqual([4.5, 5, 2, 3, 4, 1]);
  });

  it('keeps every rating of a random data set exactly once, sorted within rows', () => {
    const rng = createRng(7);
    const random: [number, number, number][] = [];
    for (let k = 0; k < 2000; k++) random.push([rng.nextInt(50), rng.nextInt(80), 1 + rng.nextInt(5)]);
    const data = tinyDataset(random, 50, 80);
    const csr = buildUserCsr(data);
    const seen: string[] = [];
    for (let u = 0; u < 50; u++) {
      for (let r = csr.offsets[u]!; r < csr.offsets[u + 1]!; r++) {
        if (r > csr.offsets[u]!) expect(csr.items[r]!).toBeGreaterThanOrEqual(csr.items[r - 1]!);
        seen.push(`${u},${csr.items[r]},${csr.ratings[r]}`);
      }
    }
    expect(seen.sort()).toEqual(random.map((t) => t.join(',')).sort());
  });

  it('sorts long rows with repeated pairs as a stable sort by (row, column) would, repeats in data order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 5 })), { maxLength: 400 }),
        (triples) => {
          const data = tinyDataset(triples, 3, 41);
          const csr = buildUserCsr(data);
          // Array.prototype.sort is stable: equal (user, item) pairs keep their data order.
          const expected = triples.map((t, k) => ({ t, k })).sort((a, b) => a.t[0] - b.t[0] || a.t[1] - b.t[1]);
          expect(Array.from(csr.items)).toEqual(expected.map((e) => e.t[1]));
          expect(Array.from(csr.ratings)).toEqual(expected.map((e) => e.t[2]));
          const byItem = buildItemCsr(data);
          const expectedByItem = triples.map((t, k) => ({ t, k })).sort((a, b) => a.t[1] - b.t[1] || a.t[0] - b.t[0]);
          expect(Array.from(byItem.users)).toEqual(expectedByItem.map((e) => e.t[0]));
          expect(Array.from(byItem.ratings)).toEqual(expectedByItem.map((e) => e.t[2]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['in user order', true, 60, 90],
    ['in random order', false, 60, 90],
    ['in user order', true, 90, 60],
    ['in random order', false, 90, 60],
  ])('fills both tables in place exactly as the builders do, data %s, %i users x %i items, items relabelled or not', (_, byUser, nU, nI) => {
    const rng = createRng(11);
    const random: [number, number, number][] = [];
    for (let k = 0; k < 3000; k++) random.push([rng.nextInt(nU), rng.nextInt(nI), 1 + rng.nextInt(5)]);
    if (byUser) random.sort((a, b) => a[0] - b[0]);
    const data = tinyDataset(random, nU, nI);
    for (const label of [undefined, itemsByPopularity(data).label]) {
      const arrays = (rows: number) => ({ offsets: new Uint32Array(rows + 1), cols: new Int32Array(data.size), values: new Float32Array(data.size) });
      const [users, items] = [arrays(nU), arrays(nI)];
      fillCsrPair(data, users, items, label);
      const [u, i] = [buildUserCsr(data, label), buildItemCsr(data, label)];
      expect(users).toEqual({ offsets: u.offsets, cols: u.items, values: u.ratings });
      expect(items).toEqual({ offsets: i.offsets, cols: i.users, values: i.ratings });
    }
  });

  it('orders items from most to least rated, ties by index', () => {
    const { order, label } = itemsByPopularity(d);
    expect(Array.from(order)).toEqual([0, 1, 2, 3, 4]);
    const skewed = tinyDataset([[0, 3, 1], [1, 3, 1], [0, 1, 1], [2, 3, 1], [1, 1, 1], [0, 4, 1]], 3, 5);
    const p = itemsByPopularity(skewed);
    expect(Array.from(p.order)).toEqual([3, 1, 4, 0, 2]);
    for (let k = 0; k < 5; k++) expect(p.label[p.order[k]!]).toBe(k);
  });
});
