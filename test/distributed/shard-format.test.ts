import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arrayOf, decodeShard, encodeShard, ShardFormatError } from '../../lib/distributed/shard-format';

describe('the shard file format', () => {
  it('reads back the meta and every array, whatever their lengths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 40 }),
        fc.array(fc.float({ noNaN: true }), { maxLength: 40 }),
        fc.array(fc.double({ noNaN: true }), { maxLength: 40 }),
        fc.string(),
        (u, i, f, d, note) => {
          const arrays = { offsets: Uint32Array.from(u), cols: Int32Array.from(i), values: Float32Array.from(f), gram: Float64Array.from(d) };
          const bytes = encodeShard({ note, block: 3 }, arrays);
          const back = decodeShard<{ note: string; block: number }>(bytes);
          expect(back.meta).toEqual({ note, block: 3 });
          expect(back.arrays).toEqual(arrays);
          expect(arrayOf(back, 'gram', Float64Array, d.length)).toEqual(arrays.gram);
        },
      ),
    );
  });

  it('reads a file that starts at an odd byte offset of a bigger buffer (as S3 bodies may)', () => {
    const bytes = encodeShard({}, { x: Float64Array.of(1.5, -2) });
    const inside = Buffer.alloc(bytes.length + 3);
    bytes.copy(inside, 3);
    expect(decodeShard(inside.subarray(3)).arrays.x).toEqual(Float64Array.of(1.5, -2));
  });

  it('refuses what is not a shard, another version, a truncated file, and the wrong type or length', () => {
    const good = encodeShard({ a: 1 }, { cols: Int32Array.of(1, 2, 3) });
    expect(() => decodeShard(Buffer.from('not a shard at all'))).toThrow(ShardFormatError);
    const other = Buffer.from(good);
    other.writeUInt32LE(9, 4);
    expect(() => decodeShard(other)).toThrow(/version 9/);
    expect(() => decodeShard(good.subarray(0, good.length - 4))).toThrow(/outside the file/);
    const file = decodeShard(good);
    expect(() => arrayOf(file, 'cols', Float32Array)).toThrow(/no Float32Array named cols/);
    expect(() => arrayOf(file, 'cols', Int32Array, 4)).toThrow(/3 elements, expected 4/);
  });
});
