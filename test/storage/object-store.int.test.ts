import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3 } from '../helpers/s3';

describe('ObjectStore against a real s3rver', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(() => s3.close());

  it('puts, gets, heads and lists objects', async () => {
    await s3.store.put('a/one.txt', 'hello', 'text/plain');
    await s3.store.put('a/two.txt', 'world!');
    expect((await s3.store.get('a/one.txt'))?.toString()).toBe('hello');
    expect((await s3.store.head('a/two.txt'))?.size).toBe(6);
    expect((await s3.store.list('a/')).sort()).toEqual(['a/one.txt', 'a/two.txt']);
  });

  it('reports a missing object as undefined, not an error', async () => {
    expect(await s3.store.get('nope')).toBeUndefined();
    expect(await s3.store.head('nope')).toBeUndefined();
    expect((await s3.store.getIfChanged('nope')).status).toBe('missing');
  });

  it('reads a byte range with one ranged GET', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await s3.store.put('range.bin', bytes);
    const part = await s3.store.getRange('range.bin', 10, 20);
    expect([...part]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('answers a conditional GET with unchanged until the object changes', async () => {
    await s3.store.put('LATEST', 'v1');
    const first = await s3.store.getIfChanged('LATEST');
    expect(first.status).toBe('ok');
    const etag = first.status === 'ok' ? first.etag : '';
    expect((await s3.store.getIfChanged('LATEST', etag)).status).toBe('unchanged');
    await s3.store.put('LATEST', 'v2');
    const second = await s3.store.getIfChanged('LATEST', etag);
    expect(second.status === 'ok' && second.body.toString()).toBe('v2');
  });

  it('uploads a multi-part stream and deletes objects', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    await s3.store.upload('big.bin', Readable.from([big.subarray(0, 5e6), big.subarray(5e6)]));
    expect((await s3.store.head('big.bin'))?.size).toBe(big.length);
    await s3.store.deleteMany(['big.bin', 'range.bin']);
    expect(await s3.store.head('big.bin')).toBeUndefined();
  });
});
