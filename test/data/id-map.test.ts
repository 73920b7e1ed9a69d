import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteIds, MAX_BATCH } from '../../lib/data/byte-ids';
import { IdMap } from '../../lib/data/id-map';

describe('IdMap', () => {
  it('gives dense indices in first-seen order and maps them back, for any mix of small and huge ids', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(2000), fc.nat(0x7fffffff)), { maxLength: 300 }), (ids) => {
        const map = new IdMap(4);
        const firstSeen: number[] = [];
        for (const id of ids) {
          const known = firstSeen.indexOf(id);
          expect(map.intern(id)).toBe(known === -1 ? firstSeen.push(id) - 1 : known);
        }
        expect(map.size).toBe(firstSeen.length);
        firstSeen.forEach((id, i) => {
          expect(map.index(id)).toBe(i);
          expect(map.external(i)).toBe(id);
        });
        expect([...map.toArray()]).toEqual(firstSeen);
      }),
    );
  });

  it('answers -1 for unknown ids and rejects ids outside [0, 2^31)', () => {
    const map = IdMap.fromExternal([5, 70_000_000]);
    expect(map.index(6)).toBe(-1);
    expect(map.index(70_000_000)).toBe(1);
    expect(() => map.intern(-1)).toThrow(RangeError);
    expect(() => map.intern(1.5)).toThrow(RangeError);
    expect(() => map.intern(2 ** 31)).toThrow(RangeError);
    expect(() => IdMap.fromExternal([3, 3])).toThrow(/duplicate/);
  });

  it('keeps ids that were spilled to the map once the table grows over them', () => {
    const map = new IdMap();
    map.intern(3_000_000); // sparse: far beyond a dense table for one id
    for (let id = 0; id < 400_000; id++) map.intern(id + 10);
    expect(map.index(3_000_000)).toBe(0);
    expect(map.intern(3_000_000)).toBe(0);
    expect(map.size).toBe(400_001);
  });
});

describe('ByteIds', () => {
  const id = fc.oneof(
    fc.constantFrom('u-1', 'u-10', 'sku-0000000000000001', 'sku-0000000000000002', 'a'.repeat(16), 'a'.repeat(17)),
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\x00-\x1f\x7f]/.test(s)),
  );

  it('interns in batches (internMany) exactly as one by one, across table growth, inline and long ids', () => {
    fc.assert(
      fc.property(fc.array(id, { maxLength: 3000 }), fc.integer({ min: 1, max: MAX_BATCH }), (ids, batch) => {
        const bytes = Buffer.from(ids.join('\n'), 'utf8');
        const starts = new Int32Array(ids.length);
        const ends = new Int32Array(ids.length);
        for (let k = 0, at = 0; k < ids.length; k++) {
          starts[k] = at;
          ends[k] = at + Buffer.byteLength(ids[k]!, 'utf8');
          at = ends[k]! + 1;
        }
        const single = new ByteIds();
        const one = Array.from(ids, (_, k) => single.intern(bytes, starts[k]!, ends[k]!));
        const batched = new ByteIds();
        const many: number[] = [];
        const out = new Int32Array(MAX_BATCH);
        for (let k = 0; k < ids.length; k += batch) {
          const n = Math.min(batch, ids.length - k);
          batched.internMany(bytes, starts.subarray(k, k + n), ends.subarray(k, k + n), n, out);
          many.push(...out.subarray(0, n));
        }
        expect(many).toEqual(one);
        // First-seen order, and each index names its id.
        expect(Array.from({ length: batched.size }, (_, i) => batched.string(i))).toEqual([...new Set(ids)]);
        for (const s of ids) expect(batched.string(batched.findString(s))).toBe(s);
      }),
      { numRuns: 100 },
    );
  });
});
