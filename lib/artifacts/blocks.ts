import { createHash } from 'node:crypto';
import type { ObjectStore } from '../storage/object-store';

/**
 * Per-block checksums of the files a large model serves by ranged GET. A range cannot be
 * checked against its whole file's sha256, so the publisher also writes, next to each
 * such file, the sha256 of every BLOCK_BYTES block (32 raw bytes a block, in file order).
 * A ranged read is widened to whole blocks, and each block is hashed and compared before
 * a byte of it is used.
 *
 * 64 KiB: a ranged GET of 64 KiB costs S3 about what 256 bytes does (first-byte latency
 * dominates), hashing it about 50 µs, and the checksums of a 256 MB users.f32 are 128 KB.
 */
export const BLOCK_BYTES = 64 * 1024;
const DIGEST_BYTES = 32;

/** The checksums file of a ranged file: its name in the version folder. */
export const blocksFileOf = (file: string): string => `${file}.blocks`;

export const blockCount = (fileBytes: number, blockBytes: number): number => Math.ceil(fileBytes / blockBytes);

/** sha256 of each blockBytes block of body, concatenated. */
export function hashBlocks(body: Uint8Array, blockBytes: number = BLOCK_BYTES): Buffer {
  const n = blockCount(body.length, blockBytes);
  const out = Buffer.allocUnsafe(n * DIGEST_BYTES);
  for (let b = 0; b < n; b++) {
    createHash('sha256')
      .update(body.subarray(b * blockBytes, Math.min((b + 1) * blockBytes, body.length)))
      .digest()
      .copy(out, b * DIGEST_BYTES);
  }
  return out;
}

export class BlockChecksumError extends Error {
  override readonly name = 'BlockChecksumError';
}

/** The checksums of one stored file, and ranged reads checked against them. */
export class BlockHashes {
  constructor(
    readonly file: string,
    private readonly digests: Uint8Array,
    readonly blockBytes: number,
    readonly fileBytes: number,
  ) {
    const expected = blockCount(fileBytes, blockBytes) * DIGEST_BYTES;
    if (digests.length !== expected) {
      throw new BlockChecksumError(`${file}: ${digests.length} bytes of block checksums, its ${fileBytes} bytes need ${expected}`);
    }
  }

  /**
   * Bytes [start, end) of the stored file, read as the whole blocks that hold them and
   * returned only if every one of those blocks matches its checksum.
   */
  async read(store: ObjectStore, key: string, start: number, end: number): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    if (start < 0 || end > this.fileBytes) throw new BlockChecksumError(`${this.file}: bytes ${start}..${end} lie outside its ${this.fileBytes}`);
    const first = Math.floor(start / this.blockBytes);
    const last = Math.floor((end - 1) / this.blockBytes);
    const from = first * this.blockBytes;
    const blocks = await store.getRange(key, from, Math.min((last + 1) * this.blockBytes, this.fileBytes));
    for (let b = first; b <= last; b++) {
      const at = (b - first) * this.blockBytes;
      const digest = createHash('sha256').update(blocks.subarray(at, at + this.blockBytes)).digest();
      if (!digest.equals(this.digests.subarray(b * DIGEST_BYTES, (b + 1) * DIGEST_BYTES))) {
        throw new BlockChecksumError(`${this.file}: block ${b} fails its sha256`);
      }
    }
    return blocks.subarray(start - from, end - from);
  }
}
