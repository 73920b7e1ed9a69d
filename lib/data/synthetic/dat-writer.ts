import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatCatalog } from '../parse';
import { SyntheticRatings } from './generator';
import type { SyntheticSpec } from './spec';
import { generateCatalog } from './titles';
import { COLON, NL } from '../parse/bytes';

export interface WrittenSynthetic {
  ratingsPath: string;
  moviesPath?: string;
  ratings: number;
  bytes: number;
  bestRmse?: number;
}

const CHUNK_BYTES = 8 << 20;
/** Longest line: 10-digit user, 10-digit movie, 1-digit rating, 10-digit timestamp, 3 separators, newline. */
const MAX_LINE = 10 + 10 + 1 + 10 + 6 + 1;
/** Timestamps spread over three years from 2000-04-25, like ML-1M's; derived, not drawn. */
const T0 = 956_703_932;
const SPAN = 3 * 365 * 24 * 3600;

/**
 * Writes the ratings as MovieLens .dat (`user::movie::rating::timestamp`) to `out`,
 * and with titles a `movies.dat` in the same folder. Streams: bytes are put into big
 * Buffers by hand (no string per line) and written while the next one fills. Each file
 * appears under its final name only once complete (temp name, then rename).
 */
export async function writeSyntheticDat(
  spec: SyntheticSpec,
  out: string,
  onProgress?: (written: number, total: number) => void,
): Promise<WrittenSynthetic> {
  const source = new SyntheticRatings(spec);
  const capacity = Math.max(1 << 18, source.maxPerUser());
  const users = new Int32Array(capacity);
  const items = new Int32Array(capacity);
  const ratings = new Float32Array(capacity);
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  let current = 0;

  const temp = `${out}.tmp-${process.pid}`;
  const file = await open(temp, 'w');
  const lines = new DatLineWriter();
  let bytes = 0;
  let written = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    await pending;
    pending = writeAll(file, buffers[current]!, lines.pos);
    bytes += lines.pos;
    current ^= 1;
    lines.pos = 0;
  };
  try {
    let n: number;
    while ((n = source.fill(users, items, ratings)) > 0) {
      let r = 0;
      while (r < n) {
        r = lines.write(buffers[current]!, users, items, ratings, r, n);
        if (r < n) await flush();
      }
      written += n;
      onProgress?.(written, source.total);
    }
    await flush();
    await pending;
    await file.close();
    await rename(temp, out);
  } catch (err) {
    await pending.catch(() => undefined);
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }

  const result: WrittenSynthetic = { ratingsPath: out, ratings: written, bytes };
  if (source.bestRmse !== undefined) result.bestRmse = source.bestRmse;
  if (source.spec.titles) {
    const moviesPath = join(dirname(out), 'movies.dat');
    const text = formatCatalog('movies.dat', generateCatalog(source.spec.movies, source.spec.seed));
    await writeFile(`${moviesPath}.tmp-${process.pid}`, text);
    await rename(`${moviesPath}.tmp-${process.pid}`, moviesPath);
    result.moviesPath = moviesPath;
  }
  return result;
}

/** fs writes may be partial; loop until the whole length is on its way to disk. */
async function writeAll(file: FileHandle, buf: Buffer, length: number): Promise<void> {
  let done = 0;
  while (done < length) done += (await file.write(buf, done, length - done)).bytesWritten;
}

/** Formats rating lines into a buffer; remembers its position and each user's line count across calls. */
class DatLineWriter {
  pos = 0;
  private previousUser = -1;
  private nth = 0;

  /** Writes ratings [from, n) while they fit; returns the index of the first one not written. */
  write(buf: Buffer, users: Int32Array, items: Int32Array, ratings: Float32Array, from: number, n: number): number {
    const limit = buf.length - MAX_LINE;
    let pos = this.pos;
    let previousUser = this.previousUser;
    let nth = this.nth;
    let r = from;
    for (; r < n && pos <= limit; r++) {
      const user = users[r]!;
      nth = user === previousUser ? nth + 1 : 0;
      previousUser = user;
      pos = putUint(buf, pos, user);
      buf[pos++] = COLON;
      buf[pos++] = COLON;
      pos = putUint(buf, pos, items[r]!);
      buf[pos++] = COLON;
      buf[pos++] = COLON;
      buf[pos++] = 48 + (ratings[r]! | 0);
      buf[pos++] = COLON;
      buf[pos++] = COLON;
      pos = putUint(buf, pos, T0 + uint32ModSpan(Math.imul(user, 0x9e3779b1) + Math.imul(nth, 0x85ebca6b)));
      buf[pos++] = NL;
    }
    this.pos = pos;
    this.previousUser = previousUser;
    this.nth = nth;
    return r;
  }
}

/**
 * (h >>> 0) % SPAN in int32 arithmetic: a uint32 above 2^31 is a double in V8, and a
 * double's % is a call to fmod; halving first keeps every step a small integer.
 */
function uint32ModSpan(h: number): number {
  const u = h >>> 0;
  return ((((u >>> 1) % SPAN) * 2) + (u & 1)) % SPAN;
}

/** Writes a non-negative integer (< 2^31) in decimal at pos; returns the position after it. Integer division (| 0) keeps V8 off doubles. */
function putUint(buf: Buffer, pos: number, value: number): number {
  const digits =
    value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : value < 10000 ? 4 : value < 100000 ? 5
    : value < 1000000 ? 6 : value < 10000000 ? 7 : value < 100000000 ? 8 : value < 1000000000 ? 9 : 10;
  const end = pos + digits;
  let p = end;
  let v = value | 0;
  while (v >= 10) {
    const q = (v / 10) | 0;
    buf[--p] = 48 + v - q * 10;
    v = q;
  }
  buf[--p] = 48 + v;
  return end;
}
