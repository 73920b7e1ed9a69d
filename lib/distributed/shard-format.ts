/**
 * The binary file every distributed-training object is (rating shards, factor blocks,
 * Gram matrices): a compact header and little-endian typed arrays.
 *
 *   bytes 0..4   "MRSH"
 *         4..8   u32 format version (1)
 *         8..12  u32 n = byte length of the JSON header
 *        12..12+n  {"meta": {...}, "arrays": [{"name", "type", "length", "offset"}]}
 *   then, from the next multiple of 8, each array at its offset from there (a multiple
 *   of 8), 4 or 8 bytes an element.
 */

const MAGIC = 'MRSH';
const VERSION = 1;

export type TypedArray = Uint32Array | Int32Array | Float32Array | Float64Array;
type TypeName = 'u32' | 'i32' | 'f32' | 'f64';

const CTORS = { u32: Uint32Array, i32: Int32Array, f32: Float32Array, f64: Float64Array } as const;

function typeOf(a: TypedArray): TypeName {
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Float32Array) return 'f32';
  return 'f64';
}

export interface ShardFile<M> {
  meta: M;
  arrays: Record<string, TypedArray>;
}

export class ShardFormatError extends Error {
  override name = 'ShardFormatError';
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

export function encodeShard<M>(meta: M, arrays: Record<string, TypedArray>): Buffer {
  let at = 0;
  let end = 0;
  const entries = Object.entries(arrays).map(([name, a]) => {
    const entry = { name, type: typeOf(a), length: a.length, offset: at };
    end = at + a.byteLength;
    at = align8(end);
    return { entry, a };
  });
  const header = JSON.stringify({ meta, arrays: entries.map((e) => e.entry) });
  const headerBytes = Buffer.byteLength(header);
  const dataStart = align8(12 + headerBytes);
  const out = Buffer.alloc(dataStart + end);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(headerBytes, 8);
  out.write(header, 12, 'utf8');
  for (const { entry, a } of entries) Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, dataStart + entry.offset);
  return out;
}

/** The file's meta and arrays (copies, aligned); throws a ShardFormatError naming what is wrong. */
export function decodeShard<M>(bytes: Uint8Array, what = 'shard'): ShardFile<M> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== MAGIC) throw new ShardFormatError(`${what}: not a shard file`);
  const version = buf.readUInt32LE(4);
  if (version !== VERSION) throw new ShardFormatError(`${what}: format version ${version}, expected ${VERSION}`);
  const headerBytes = buf.readUInt32LE(8);
  if (12 + headerBytes > buf.length) throw new ShardFormatError(`${what}: header runs past the end`);
  let header: { meta: M; arrays: Array<{ name: string; type: TypeName; length: number; offset: number }> };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + headerBytes));
  } catch {
    throw new ShardFormatError(`${what}: header is not JSON`);
  }
  const dataStart = align8(12 + headerBytes);
  const arrays: Record<string, TypedArray> = {};
  for (const e of header.arrays ?? []) {
    const ctor = CTORS[e.type];
    if (!ctor) throw new ShardFormatError(`${what}: array ${e.name} has unknown type ${String(e.type)}`);
    const start = dataStart + e.offset;
    const end = start + e.length * ctor.BYTES_PER_ELEMENT;
    if (!Number.isInteger(e.offset) || e.offset % 8 !== 0 || !Number.isInteger(e.length) || e.length < 0 || end > buf.length) {
      throw new ShardFormatError(`${what}: array ${e.name} lies outside the file`);
    }
    const copy = new ctor(e.length);
    Buffer.from(copy.buffer).set(buf.subarray(start, end));
    arrays[e.name] = copy;
  }
  return { meta: header.meta, arrays };
}

/** The named array of a decoded file, checked for type (and length, when given). */
export function arrayOf<T extends TypedArray>(file: ShardFile<unknown>, name: string, ctor: { new (n: number): T }, length?: number, what = 'shard'): T {
  const a = file.arrays[name];
  if (!(a instanceof ctor)) throw new ShardFormatError(`${what}: no ${ctor.name} named ${name}`);
  if (length !== undefined && a.length !== length) throw new ShardFormatError(`${what}: ${name} has ${a.length} elements, expected ${length}`);
  return a;
}
