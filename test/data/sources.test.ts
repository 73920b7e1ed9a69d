import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../lib/data/dataset';
import { DataError } from '../../lib/data/errors';
import { formatCatalog, formatRatings } from '../../lib/data/parse';
import { DEFAULT_SYNTHETIC, EXAMPLES, loadDataset, parseSource } from '../../lib/data/sources';
import { generateSynthetic } from '../../lib/data/synthetic';
import { latin1, makeCatalog, makeRatings, ml100kZip, recordTriples } from './sources-fixtures';

const triples = (d: Dataset) =>
  Array.from({ length: d.size }, (_, r) => [d.userIds.external(d.users[r]!), d.itemIds.external(d.items[r]!), d.ratings[r]!]);

describe('parseSource', () => {
  it('reads MovieLens names and the PoC example numbers', () => {
    expect(parseSource('ml-1m')).toEqual({ kind: 'movielens', name: 'ml-1m' });
    expect(parseSource('ml-latest-small')).toEqual({ kind: 'movielens', name: 'ml-latest-small' });
    expect(parseSource('20')).toEqual({ kind: 'movielens', name: EXAMPLES['20'] });
    expect(() => parseSource('ml-2m')).toThrow(/unknown MovieLens data set 'ml-2m'/);
  });

  it('reads s3 URLs and paths', () => {
    expect(parseSource('s3://bucket/data/ratings.csv')).toEqual({ kind: 's3', url: 's3://bucket/data/ratings.csv' });
    expect(() => parseSource('s3://bucket-only')).toThrow(DataError);
    expect(parseSource('./data/ratings.dat')).toEqual({ kind: 'file', path: './data/ratings.dat' });
    expect(parseSource('file:ml-1m')).toEqual({ kind: 'file', path: 'ml-1m' });
    expect(() => parseSource('https://example.com/x.zip')).toThrow(/not supported/);
    expect(() => parseSource('  ')).toThrow(DataError);
  });

  it('reads synthetic specs over the default', () => {
    expect(parseSource('synthetic')).toEqual(DEFAULT_SYNTHETIC);
    expect(parseSource('synthetic:users=100,movies=20,perUser=5,seed=3,mode=uniform')).toEqual({
      ...DEFAULT_SYNTHETIC,
      users: 100,
      movies: 20,
      perUser: 5,
      seed: 3,
      mode: 'uniform',
    });
    expect(parseSource('synthetic:planted,per-user=9,titles=false')).toMatchObject({ mode: 'planted', perUser: 9, titles: false });
    expect(() => parseSource('synthetic:users=lots')).toThrow(/users must be a number/);
    expect(() => parseSource('synthetic:colour=red')).toThrow(/bad synthetic parameter/);
  });
});

describe('synthetic source', () => {
  it('generates in memory with a best RMSE and a stable checksum', async () => {
    const spec = parseSource('synthetic:users=300,movies=50,perUser=10,seed=5');
    const a = await loadDataset(spec);
    const b = await loadDataset(spec);
    expect(a.dataset.size).toBe(generateSynthetic({ users: 300, movies: 50, perUser: 10, seed: 5, mode: 'planted', dim: 2, noise: 0.3 }).dataset.size);
    expect(a.bestRmse).toBeGreaterThan(0);
    expect(a.dataset.catalog?.size).toBe(50);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).toBe(a.sha256);
    expect(parseSource(a.source)).toMatchObject({ kind: 'synthetic', users: 300, seed: 5 });
    expect((await loadDataset(parseSource('synthetic:users=300,movies=50,perUser=10,seed=6'))).sha256).not.toBe(a.sha256);
  });
});

describe('local files', () => {
  let dir: string;
  const ratings = makeRatings(40, 15, 1);
  const catalog = makeCatalog(15);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sources-local-'));
    await mkdir(join(dir, 'ml-100k'));
    await writeFile(join(dir, 'ml-100k', 'u.data'), formatRatings('tsv', ratings, { header: false }));
    await writeFile(join(dir, 'ml-100k', 'u.item'), latin1(formatCatalog('u.item', catalog)));
    await mkdir(join(dir, 'csv'));
    await writeFile(join(dir, 'csv', 'ratings.csv'), formatRatings('csv', ratings));
    await writeFile(join(dir, 'csv', 'movies.csv'), formatCatalog('movies.csv', catalog));
    await writeFile(join(dir, 'plain.txt'), formatRatings('dat', ratings));
    await mkdir(join(dir, 'empty'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a folder with the ML-100K layout, catalogue included', async () => {
    const loaded = await loadDataset({ kind: 'file', path: join(dir, 'ml-100k') });
    expect(loaded.dataset.name).toBe('ml-100k');
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.lines).toBe(ratings.length);
    expect(loaded.dataset.catalog?.get(3)).toEqual(catalog.get(3));
    const bytes = await readFile(join(dir, 'ml-100k', 'u.data'));
    expect(loaded.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('loads a ratings.csv with a header and finds movies.csv beside it', async () => {
    const loaded = await loadDataset(parseSource(join(dir, 'csv', 'ratings.csv')));
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.catalog?.size).toBe(15);
  });

  it('sniffs the format of a file named like nothing, and takes an explicit catalogue', async () => {
    const loaded = await loadDataset({ kind: 'file', path: join(dir, 'plain.txt'), catalogPath: join(dir, 'csv', 'movies.csv') });
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.name).toBe('plain');
    expect(loaded.dataset.catalog?.get(15)?.title).toBe(catalog.get(15)!.title);
  });

  it('reads a MovieLens release zip on disk', async () => {
    await writeFile(join(dir, 'ml-100k.zip'), ml100kZip(ratings, catalog));
    const loaded = await loadDataset({ kind: 'file', path: join(dir, 'ml-100k.zip') });
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.catalog?.get(7)).toEqual(catalog.get(7));
  });

  it('reads stored (uncompressed) entries too', async () => {
    const zip = zipSync({
      'ml-100k/u.item': latin1(formatCatalog('u.item', catalog)),
      'ml-100k/u.data': [strToU8(formatRatings('tsv', ratings, { header: false })), { level: 0 }],
    });
    await mkdir(join(dir, 'stored'));
    await writeFile(join(dir, 'stored', 'ml-100k.zip'), zip);
    const loaded = await loadDataset({ kind: 'file', path: join(dir, 'stored', 'ml-100k.zip') });
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.catalog?.size).toBe(15);
  });

  it('reads a zip written in a stream (sizes in data descriptors after the data)', async () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, data) => {
      if (err) throw err;
      parts.push(data);
    });
    for (const [name, text] of [
      ['ml-1m/movies.dat', formatCatalog('movies.dat', catalog)],
      ['ml-1m/ratings.dat', formatRatings('dat', ratings)],
      ['ml-1m/users.dat', '1::F::1::10::48067\n'],
    ] as const) {
      const entry = new ZipDeflate(name, { level: 6 });
      zip.add(entry);
      entry.push(strToU8(text), true);
    }
    zip.end();
    const bytes = Buffer.concat(parts);
    expect(bytes.readUInt16LE(6) & 8).toBe(8);
    await mkdir(join(dir, 'streamed'));
    await writeFile(join(dir, 'streamed', 'ml-1m.zip'), bytes);
    const loaded = await loadDataset({ kind: 'file', path: join(dir, 'streamed', 'ml-1m.zip') });
    expect(triples(loaded.dataset)).toEqual(recordTriples(ratings));
    expect(loaded.dataset.catalog?.get(2)).toEqual(catalog.get(2));
  });

  it('fails with a DataError on a truncated or corrupt zip', async () => {
    const many = makeRatings(3000, 400, 9);
    const zip = zipSync({ 'ml-1m/ratings.dat': strToU8(formatRatings('dat', many)) });
    await mkdir(join(dir, 'broken'));
    await writeFile(join(dir, 'broken', 'ml-1m.zip'), zip.subarray(0, zip.length >> 1));
    await expect(loadDataset({ kind: 'file', path: join(dir, 'broken', 'ml-1m.zip') })).rejects.toThrow(/ml-1m\.zip: .*(truncated|not a readable zip)/);
    const corrupt = zip.slice();
    corrupt.fill(0xff, zip.length >> 1, (zip.length >> 1) + 64);
    await writeFile(join(dir, 'broken', 'ml-1m.zip'), corrupt);
    await expect(loadDataset({ kind: 'file', path: join(dir, 'broken', 'ml-1m.zip') })).rejects.toThrow(DataError);
  });

  it('says clearly what is wrong with a bad path', async () => {
    await expect(loadDataset({ kind: 'file', path: join(dir, 'nope.dat') })).rejects.toThrow(/nope\.dat: no such file or folder/);
    await expect(loadDataset({ kind: 'file', path: join(dir, 'empty') })).rejects.toThrow(/a folder with none of u\.data, ratings\.dat, ratings\.csv/);
    await expect(loadDataset({ kind: 'file', path: join(dir, 'plain.txt'), catalogPath: join(dir, 'gone.csv') })).rejects.toThrow(/gone\.csv: no such catalogue file/);
  });

  it('stops at each size limit with the setting to raise: items file, inflated ratings, synthetic size', async () => {
    const limits = { downloadBytes: 1e9, inflatedBytes: 2000, itemsFileBytes: 1000, syntheticRatings: 1000 };
    // Highly compressible: a few hundred bytes of zip inflate far past the limits.
    const bomb = zipSync({
      'items.csv': strToU8(`id,title\n${'1,' + 'x'.repeat(5000)}\n`),
      'r.csv': strToU8('1,1,1\n'.repeat(10)),
    });
    await writeFile(join(dir, 'bomb.zip'), bomb);
    await expect(loadDataset({ kind: 'file', path: join(dir, 'bomb.zip') }, { limits })).rejects.toThrow(/items\.csv inflates past 0 MB; raise DATA_MAX_ITEMS_FILE_MB/);
    await writeFile(join(dir, 'big.zip'), zipSync({ 'r.csv': strToU8('1,1,1\n'.repeat(1000)) }));
    await expect(loadDataset({ kind: 'file', path: join(dir, 'big.zip') }, { limits })).rejects.toThrow(/ratings file, inflated, is larger than .*raise DATA_MAX_INFLATED_MB/);
    await expect(loadDataset(parseSource('synthetic:users=100,movies=50,perUser=20'), { limits })).rejects.toThrow(/2000 ratings is more than DATA_MAX_SYNTHETIC_RATINGS \(1000\)/);
  });

  it('reads any zip holding one ratings file and maybe an items file, and refuses two ratings files', async () => {
    // A MovieLens layout under another name is just a zip of your own: its u.data and u.item.
    await writeFile(join(dir, 'other.zip'), ml100kZip(ratings, catalog));
    const other = await loadDataset({ kind: 'file', path: join(dir, 'other.zip') });
    expect(triples(other.dataset)).toEqual(recordTriples(ratings));
    expect(other.dataset.catalog?.size).toBe(catalog.size);
    const own = zipSync({
      'export/README.txt': strToU8('exported from the shop\n'),
      'export/items.csv': strToU8('sku,name,category\nA-1,Lamp,home\nB-2,Mug,kitchen\n'),
      'export/clicks.csv': strToU8('customer,sku,event\nc1,A-1,view\nc1,B-2,view\nc2,A-1,view\n'),
    });
    await writeFile(join(dir, 'shop.zip'), own);
    const shop = await loadDataset({ kind: 'file', path: join(dir, 'shop.zip') });
    expect(shop.dataset).toMatchObject({ size: 3, feedback: 'implicit' });
    expect(shop.dataset.catalog?.get('B-2')).toEqual({ title: 'Mug', genres: ['kitchen'] });
    await writeFile(join(dir, 'two.zip'), zipSync({ 'a.csv': strToU8('1,2,3\n'), 'b.csv': strToU8('1,2,3\n') }));
    await expect(loadDataset({ kind: 'file', path: join(dir, 'two.zip') })).rejects.toThrow(/more than one ratings file \(a\.csv, b\.csv\)/);
  });

  it('reports too many bad lines as a DataError quoting them', async () => {
    const good = formatRatings('dat', ratings);
    await writeFile(join(dir, 'bad.dat'), `${good}1::2::lots::3\n7::seven::4::5\n`);
    const err = await loadDataset({ kind: 'file', path: join(dir, 'bad.dat') }, { maxBadShare: 0.001 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toMatch(/lots/);
    const warnings: string[] = [];
    const tolerant = await loadDataset({ kind: 'file', path: join(dir, 'bad.dat') }, { maxBadShare: 0.5, log: (m) => warnings.push(m) });
    expect(tolerant.bad.count).toBe(2);
    expect(tolerant.dataset.size).toBe(ratings.length);
    expect(warnings.join('\n')).toMatch(/bad/i);
  });
});
