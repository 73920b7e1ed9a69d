import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Dataset } from '../../lib/data/dataset';
import { DataError } from '../../lib/data/errors';
import { DEFAULT_CACHE_PREFIX, loadDataset } from '../../lib/data/sources';
import { downloadChunks } from '../../lib/data/sources/download';
import { serve, startHttpServer } from '../helpers/http-server';
import { startTestS3 } from '../helpers/s3';
import { makeCatalog, makeRatings, ml100kZip, mlLatestSmallZip, recordTriples } from './sources-fixtures';

const triples = (d: Dataset) =>
  Array.from({ length: d.size }, (_, r) => [d.userIds.external(d.users[r]!), d.itemIds.external(d.items[r]!), d.ratings[r]!]);

const ratings100k = makeRatings(60, 20, 7);
const catalog100k = makeCatalog(20);
const zip100k = ml100kZip(ratings100k, catalog100k);
const ratingsSmall = makeRatings(30, 12, 8, true);
const catalogSmall = makeCatalog(12);
const zipSmall = mlLatestSmallZip(ratingsSmall, catalogSmall);

let server: Awaited<ReturnType<typeof startHttpServer>>;
let cacheDir: string;

beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'movielens-cache-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const ctx = () => ({ baseUrl: server.url, cacheDir });

describe('MovieLens download into a local cache', () => {
  it('downloads ml-100k once, unzips it in a stream, and reads the cache the second time', async () => {
    server.routes['/ml-100k.zip'] = serve.bytes(zip100k);
    const before = server.requests('/ml-100k.zip');
    const first = await loadDataset({ kind: 'movielens', name: 'ml-100k' }, ctx());
    expect(triples(first.dataset)).toEqual(recordTriples(ratings100k));
    expect(first.dataset.scale).toEqual({ min: 1, max: 5 });
    expect(first.dataset.catalog?.get(4)).toEqual(catalog100k.get(4));
    expect(first.source).toBe('ml-100k');
    expect(server.requests('/ml-100k.zip')).toBe(before + 1);
    expect(await readdir(cacheDir)).toEqual(['ml-100k.zip']);

    const second = await loadDataset({ kind: 'movielens', name: 'ml-100k' }, ctx());
    expect(server.requests('/ml-100k.zip')).toBe(before + 1);
    expect(triples(second.dataset)).toEqual(triples(first.dataset));
    expect(second.sha256).toBe(first.sha256);
  });

  it('reads the CSV layout with half stars, whatever the entry order', async () => {
    server.routes['/ml-latest-small.zip'] = serve.bytes(zipSmall);
    const loaded = await loadDataset({ kind: 'movielens', name: 'ml-latest-small' }, ctx());
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratingsSmall));
    expect(loaded.dataset.scale).toEqual({ min: 0.5, max: 5 });
    expect(loaded.dataset.catalog?.get(12)).toEqual(catalogSmall.get(12));
  });

  const failures = [
    { what: 'an HTTP 404', route: serve.status(404), error: /HTTP 404/ },
    { what: 'a server that dies mid-body', route: serve.dieAfter(zip100k, 200), error: /broke off|Content-Length/ },
    { what: 'a body cut short without a length', route: serve.cutShort(zip100k, zip100k.length - 30), error: /not a complete zip/ },
    { what: 'something that is not a zip', route: serve.bytes(new TextEncoder().encode('<html>maintenance</html>')), error: /not a complete zip/ },
  ];
  for (const { what, route, error } of failures) {
    it(`fails clearly on ${what} and caches nothing`, async () => {
      server.routes['/ml-1m.zip'] = route;
      const err = await loadDataset({ kind: 'movielens', name: 'ml-1m' }, ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect((err as Error).message).toMatch(error);
      expect((err as Error).message).toMatch(/ml-1m/);
      expect(await readdir(cacheDir)).toEqual([]);
    });
  }

  it('fails clearly when nothing listens', async () => {
    const gone = await startHttpServer();
    const url = gone.url;
    await gone.close();
    await expect(loadDataset({ kind: 'movielens', name: 'ml-1m' }, { baseUrl: url, cacheDir })).rejects.toThrow(/cannot download/);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('gives up on a download that stalls', async () => {
    server.routes['/stalled.zip'] = serve.stall(zip100k, 100);
    const chunks: Uint8Array[] = [];
    const read = async () => {
      for await (const chunk of downloadChunks(`${server.url}/stalled.zip`, 'stalled', 1000)) chunks.push(chunk);
    };
    await expect(read()).rejects.toThrow(/^stalled: .*127\.0\.0\.1.*: no data for 1000 ms$/);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBeLessThanOrEqual(100);
  });

  it('names the missing ratings file of a zip without one', async () => {
    server.routes['/ml-10m.zip'] = serve.bytes(zip100k);
    await expect(loadDataset({ kind: 'movielens', name: 'ml-10m' }, ctx())).rejects.toThrow(/no ratings\.dat/);
  });
});

describe('MovieLens download into an S3 cache', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  beforeAll(async () => {
    s3 = await startTestS3('movielens-cache');
  });
  afterAll(async () => {
    await s3.close();
  });

  it('uploads the zip under the cache prefix and reads it from S3 next time', async () => {
    server.routes['/ml-100k.zip'] = serve.bytes(zip100k);
    const before = server.requests('/ml-100k.zip');
    const first = await loadDataset({ kind: 'movielens', name: 'ml-100k' }, { ...ctx(), store: s3.store });
    expect(triples(first.dataset)).toEqual(recordTriples(ratings100k));
    expect(await s3.store.list(DEFAULT_CACHE_PREFIX)).toEqual([`${DEFAULT_CACHE_PREFIX}ml-100k.zip`]);
    expect((await s3.store.head(`${DEFAULT_CACHE_PREFIX}ml-100k.zip`))?.size).toBe(zip100k.length);
    expect(await readdir(cacheDir)).toEqual([]);

    const second = await loadDataset({ kind: 'movielens', name: 'ml-100k' }, { ...ctx(), store: s3.store });
    expect(server.requests('/ml-100k.zip')).toBe(before + 1);
    expect(second.dataset.catalog?.size).toBe(20);
    expect(second.sha256).toBe(first.sha256);
  });

  it('leaves no object behind when the download fails', async () => {
    for (const route of [serve.dieAfter(zipSmall, 100), serve.cutShort(zipSmall, 300), serve.status(500)]) {
      server.routes['/ml-latest-small.zip'] = route;
      await expect(
        loadDataset({ kind: 'movielens', name: 'ml-latest-small' }, { ...ctx(), store: s3.store, cachePrefix: 'failing/' }),
      ).rejects.toThrow(/ml-latest-small/);
      expect(await s3.store.list('failing/')).toEqual([]);
    }
  });

  it('drops an unreadable cached copy so the next run downloads again', async () => {
    await s3.store.put('junk/ml-latest-small.zip', 'not a zip at all');
    server.routes['/ml-latest-small.zip'] = serve.bytes(zipSmall);
    const context = { ...ctx(), store: s3.store, cachePrefix: 'junk/' };
    await expect(loadDataset({ kind: 'movielens', name: 'ml-latest-small' }, context)).rejects.toThrow(DataError);
    expect(await s3.store.list('junk/')).toEqual([]);
    const loaded = await loadDataset({ kind: 'movielens', name: 'ml-latest-small' }, context);
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratingsSmall));
  });
});
