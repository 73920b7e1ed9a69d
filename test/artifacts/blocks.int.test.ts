import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockChecksumError, BlockHashes, hashBlocks } from '../../lib/artifacts/blocks';
import { startTestS3 } from '../helpers/s3';

let s3: Awaited<ReturnType<typeof startTestS3>>;
const BLOCK = 1000;
const body = randomBytes(7 * BLOCK + 321); // a short last block
const damagedBlock = 4;

beforeAll(async () => {
  s3 = await startTestS3();
  await s3.store.put('good', body);
  const damaged = Buffer.from(body);
  damaged[damagedBlock * BLOCK + 17] = damaged[damagedBlock * BLOCK + 17]! ^ 0x40;
  await s3.store.put('damaged', damaged);
});
afterAll(async () => s3?.close());

const range = fc
  .tuple(fc.integer({ min: 0, max: body.length }), fc.integer({ min: 0, max: body.length }))
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

describe('BlockHashes', () => {
  const hashes = new BlockHashes('f', hashBlocks(body, BLOCK), BLOCK, body.length);

  it('reads any range of a sound file exactly, across block boundaries and the short last block', async () => {
    await fc.assert(
      fc.asyncProperty(range, async ([start, end]) => {
        expect(Buffer.compare(await hashes.read(s3.store, 'good', start, end), body.subarray(start, end))).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses every range that touches the damaged block, and only those', async () => {
    await fc.assert(
      fc.asyncProperty(range, async ([start, end]) => {
        const touches = end > start && start < (damagedBlock + 1) * BLOCK && end > damagedBlock * BLOCK;
        const read = hashes.read(s3.store, 'damaged', start, end);
        if (touches) await expect(read).rejects.toThrow(new BlockChecksumError(`f: block ${damagedBlock} fails its sha256`));
        else expect(Buffer.compare(await read, body.subarray(start, end))).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses checksums of the wrong length and ranges outside the file', async () => {
    expect(() => new BlockHashes('f', hashBlocks(body, BLOCK).subarray(32), BLOCK, body.length)).toThrow(/need 256/);
    await expect(hashes.read(s3.store, 'good', 10, body.length + 1)).rejects.toThrow(BlockChecksumError);
  });
});
