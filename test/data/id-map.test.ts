import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
