import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Dataset } from '../../lib/data/dataset';
import { DataError } from '../../lib/data/errors';
import { formatCatalog, formatRatings } from '../../lib/data/parse';
import { loadDataset, parseSource } from '../../lib/data/sources';
import { startTestS3 } from '../helpers/s3';
import { makeCatalog, makeRatings, mlLatestSmallZip, recordTriples } from './sources-fixtures';

const triples = (d: Dataset) =>
  Array.from({ length: d.size }, (_, r) => [d.userIds.external(d.users[r]!), d.itemIds.external(d.items[r]!), d.ratings[r]!]);

describe('s3:// sources', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  const ratings = makeRatings(50, 18, 21, true);
  const catalog = makeCatalog(18);
  const csv = formatRatings('csv', ratings);

  beforeAll(async () => {
    s3 = await startTestS3('ratings-bucket');
    await s3.store.put('data/ratings.csv', csv);
    await s3.store.put('data/movies.csv', formatCatalog('movies.csv', catalog));
    await s3.store.put('other/export.dat', formatRatings('dat', ratings));
    await s3.store.put('zips/ml-latest-small.zip', mlLatestSmallZip(ratings, catalog));
  });
  afterAll(async () => {
    await s3.close();
  });

  it('reads a CSV with a header and the movies.csv beside it', async () => {
    const loaded = await loadDataset(parseSource('s3://ratings-bucket/data/ratings.csv'), { store: s3.store });
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.catalog?.get(5)).toEqual(catalog.get(5));
    expect(loaded.dataset.name).toBe('data');
    expect(loaded.source).toBe('s3://ratings-bucket/data/ratings.csv');
    expect(loaded.sha256).toBe(createHash('sha256').update(csv).digest('hex'));
  });

  it('reads a .dat object with an explicit catalogue URL', async () => {
    const loaded = await loadDataset(
      { kind: 's3', url: 's3://ratings-bucket/other/export.dat', catalogUrl: 's3://ratings-bucket/data/movies.csv' },
      { store: s3.store },
    );
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.name).toBe('export');
    expect(loaded.dataset.catalog?.size).toBe(18);
  });

  it('reads a MovieLens release zip stored in S3', async () => {
    const loaded = await loadDataset({ kind: 's3', url: 's3://ratings-bucket/zips/ml-latest-small.zip' }, { store: s3.store });
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.catalog?.get(18)).toEqual(catalog.get(18));
  });

  it('reads another bucket through the same client', async () => {
    const other = await import('../../lib/storage/object-store').then(({ ObjectStore }) => new ObjectStore('second-bucket', s3.client));
    await other.ensureBucket();
    await other.put('r.tsv', formatRatings('tsv', ratings, { header: false }));
    const loaded = await loadDataset({ kind: 's3', url: 's3://second-bucket/r.tsv' }, { store: s3.store });
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.catalog).toBeUndefined();
  });

  it('names the URL when the object or bucket is missing', async () => {
    const missing = await loadDataset({ kind: 's3', url: 's3://ratings-bucket/data/nothing.csv' }, { store: s3.store }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DataError);
    expect((missing as Error).message).toBe('s3://ratings-bucket/data/nothing.csv: no such object');
    await expect(loadDataset({ kind: 's3', url: 's3://no-such-bucket/ratings.csv' }, { store: s3.store })).rejects.toThrow(
      /s3:\/\/no-such-bucket\/ratings\.csv/,
    );
    await expect(
      loadDataset({ kind: 's3', url: 's3://ratings-bucket/other/export.dat', catalogUrl: 's3://ratings-bucket/gone.csv' }, { store: s3.store }),
    ).rejects.toThrow(/s3:\/\/ratings-bucket\/gone\.csv: no such object/);
  });

  it('names the URL when the object is not ratings', async () => {
    await s3.store.put('data/notes.txt', 'hello\nworld\n');
    const err = await loadDataset({ kind: 's3', url: 's3://ratings-bucket/data/notes.txt' }, { store: s3.store }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/^s3:\/\/ratings-bucket\/data\/notes.txt: /);
  });
});
