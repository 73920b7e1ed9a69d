import { describe, expect, it } from 'vitest';
import { buildItemCsr, buildUserCsr } from '../../lib/data/csr';
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
});
