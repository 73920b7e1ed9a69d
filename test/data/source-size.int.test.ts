import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../lib/data/errors';
import { parseSource } from '../../lib/data/sources/spec';
import { estimateSourceSize, ZIP_INFLATION } from '../../lib/data/sources/size';
import { startTestS3 } from '../helpers/s3';

/** The size of a source without reading it: one HeadObject for S3 (a real s3rver), a stat for files. */
describe('estimateSourceSize', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dir: string;
  beforeAll(async () => {
    s3 = await startTestS3('source-size');
    dir = await mkdtemp(join(tmpdir(), 'source-size-'));
  });
  afterAll(async () => {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts ratings where they are known before reading: MovieLens releases, the generator', async () => {
    expect(await estimateSourceSize(parseSource('ml-20m'))).toMatchObject({ unit: 'ratings', value: 20_000_263 });
    expect(await estimateSourceSize(parseSource('synthetic:users=1000,perUser=30'))).toMatchObject({ unit: 'ratings', value: 30_000 });
  });

  it("takes an s3:// object's ContentLength (a zip counted as the text it holds), and says when it is missing", async () => {
    const csv = 'user,item,rating\n1,2,5\n';
    await s3.store.put('data/ratings.csv', csv);
    await s3.store.put('data/mine.zip', Buffer.alloc(300));
    const ctx = { store: s3.store };
    expect(await estimateSourceSize(parseSource('s3://source-size/data/ratings.csv'), ctx)).toEqual({ unit: 'bytes', value: csv.length, basis: 'size of s3://source-size/data/ratings.csv' });
    expect(await estimateSourceSize(parseSource('s3://source-size/data/mine.zip'), ctx)).toMatchObject({ unit: 'bytes', value: 300 * ZIP_INFLATION });
    await expect(estimateSourceSize(parseSource('s3://source-size/data/none.csv'), ctx)).rejects.toThrow(DataError);
    await expect(estimateSourceSize(parseSource('s3://source-size/data/none.csv'), ctx)).rejects.toThrow('s3://source-size/data/none.csv: no such object');
  });

  it("takes a local file's size, or a MovieLens folder's ratings file's", async () => {
    const file = join(dir, 'r.csv');
    await writeFile(file, 'x'.repeat(1234));
    expect(await estimateSourceSize(parseSource(file))).toMatchObject({ unit: 'bytes', value: 1234 });
    const folder = join(dir, 'ml-1m');
    await mkdir(folder);
    await writeFile(join(folder, 'ratings.dat'), 'y'.repeat(77));
    expect(await estimateSourceSize(parseSource(folder))).toMatchObject({ unit: 'bytes', value: 77 });
    await expect(estimateSourceSize(parseSource(join(dir, 'missing.csv')))).rejects.toThrow(/no such file or folder/);
  });
});
