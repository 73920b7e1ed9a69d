import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, LATEST_KEY, fileKey, versionPrefix } from '../../lib/artifacts/format';
import { publishModel } from '../../lib/artifacts/publish';
import { listVersions, prune, readLatest, readManifest, rollback, verifyVersion } from '../../lib/artifacts/versions';
import { versionTime } from '../../lib/artifacts/version-id';
import { nItems, nUsers } from '../../lib/data/dataset';
import { startTestS3 } from '../helpers/s3';
import { smallDataset, smallModel } from './fixture';

const asF32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
const asI32 = (b: Buffer) => new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
const asU32 = (b: Buffer) => new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));

describe('publishModel against a real s3rver', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  beforeAll(async () => {
    s3 = await startTestS3('artifacts-test');
  });
  afterAll(() => s3.close());

  it('publishes every file with checksums and shapes, then LATEST', async () => {
    const dataset = smallDataset();
    const input = smallModel(dataset);
    const uploaded: string[] = [];
    const manifest = await publishModel(s3.store, input, { onFileUploaded: (f) => void uploaded.push(f) });

    expect(manifest.version).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(versionTime(manifest.version)).toBeInstanceOf(Date);
    expect(await readLatest(s3.store)).toBe(manifest.version);
    expect(uploaded.at(-1)).toBe(FILES.manifest);
    expect(await readManifest(s3.store, manifest.version)).toEqual(manifest);

    for (const name of [FILES.items, FILES.users, FILES.itemBias, FILES.userBias, FILES.seenIndex, FILES.seenItems, FILES.seenRatings,
      FILES.userIds, FILES.itemIds, FILES.popular, FILES.catalog, FILES.reportMetrics, FILES.reportCurve]) {
      const body = await s3.store.get(fileKey(manifest.version, name));
      expect(body, name).toBeDefined();
      const entry = manifest.files[name]!;
      expect(body!.length).toBe(entry.bytes);
      expect(createHash('sha256').update(body!).digest('hex')).toBe(entry.sha256);
    }
    const nu = nUsers(dataset);
    const ni = nItems(dataset);
    expect(manifest.files[FILES.items]!.shape).toEqual([ni, 4]);
    expect(manifest.files[FILES.users]!.shape).toEqual([nu, 4]);
    expect(manifest.files[FILES.seenIndex]!.shape).toEqual([nu + 1]);
    expect(manifest.metrics).toEqual({ rmse: 0.91, mae: 0.72 });
    expect(manifest.training.curve).toHaveLength(3);
    expect(manifest.dataset).toMatchObject({ sha256: 'a'.repeat(64), nRatings: dataset.size, nUsers: nu, nItems: ni });

    // Factor bytes are the float32 values, row-major.
    const q = asF32((await s3.store.get(fileKey(manifest.version, FILES.items)))!);
    expect(q).toEqual(input.factors.Q);
    const row7 = await s3.store.getRange(fileKey(manifest.version, FILES.users), 7 * 4 * 4, 8 * 4 * 4);
    expect(asF32(row7)).toEqual(input.factors.P!.subarray(28, 32));

    // Ids in index order.
    const userIds = asI32((await s3.store.get(fileKey(manifest.version, FILES.userIds)))!);
    expect([...userIds]).toEqual([...dataset.userIds.toArray()]);
    const itemIds = asI32((await s3.store.get(fileKey(manifest.version, FILES.itemIds)))!);
    expect([...itemIds]).toEqual([...dataset.itemIds.toArray()]);

    // Seen CSR: each user's distinct rated items, ascending.
    const offsets = asU32((await s3.store.get(fileKey(manifest.version, FILES.seenIndex)))!);
    const seenItems = asI32((await s3.store.get(fileKey(manifest.version, FILES.seenItems)))!);
    const expected = Array.from({ length: nu }, () => new Set<number>());
    for (let r = 0; r < dataset.size; r++) expected[dataset.users[r]!]!.add(dataset.items[r]!);
    expect(offsets[nu]).toBe(seenItems.length);
    expect(seenItems.length).toBeLessThan(dataset.size); // the fixture repeats some ratings
    for (let u = 0; u < nu; u++) {
      expect([...seenItems.subarray(offsets[u]!, offsets[u + 1]!)]).toEqual([...expected[u]!].sort((a, b) => a - b));
    }
    // Each seen item's rating beside it: of a repeated pair, the one later in the data set.
    const seenRatings = asF32((await s3.store.get(fileKey(manifest.version, FILES.seenRatings)))!);
    expect(seenRatings.length).toBe(seenItems.length);
    const lastRating = new Map<string, number>();
    for (let r = 0; r < dataset.size; r++) lastRating.set(`${dataset.users[r]} ${dataset.items[r]}`, dataset.ratings[r]!);
    for (let u = 0; u < nu; u++) {
      for (let k = offsets[u]!; k < offsets[u + 1]!; k++) expect(seenRatings[k]).toBe(lastRating.get(`${u} ${seenItems[k]}`));
    }

    // Popularity: all items, counts never increasing.
    const popular = asI32((await s3.store.get(fileKey(manifest.version, FILES.popular)))!);
    const counts = new Array<number>(ni).fill(0);
    for (let r = 0; r < dataset.size; r++) counts[dataset.items[r]!]!++;
    expect(new Set(popular).size).toBe(ni);
    for (let k = 1; k < ni; k++) expect(counts[popular[k - 1]!]!).toBeGreaterThanOrEqual(counts[popular[k]!]!);

    // Catalog in item index order.
    const catalog = JSON.parse((await s3.store.get(fileKey(manifest.version, FILES.catalog)))!.toString()) as unknown[];
    expect(catalog).toHaveLength(ni);
    catalog.forEach((entry, i) => {
      const want = dataset.catalog!.get(dataset.itemIds.external(i));
      expect(entry).toEqual(want ? { title: want.title, genres: want.genres } : null);
    });

    const report = JSON.parse((await s3.store.get(fileKey(manifest.version, FILES.reportMetrics)))!.toString());
    expect(report.metrics.rmse).toBe(0.91);
    const svg = (await s3.store.get(fileKey(manifest.version, FILES.reportCurve)))!.toString();
    expect(svg).toMatch(/^<svg[\s\S]*<polyline[\s\S]*test error[\s\S]*<\/svg>\n$/);
  });

  it('refuses a model whose factors do not fit the data set, uploading nothing', async () => {
    const before = await readLatest(s3.store);
    const input = smallModel();
    input.factors.Q = new Float32Array(3);
    await expect(publishModel(s3.store, input, { version: 'bad-shape' })).rejects.toThrow(/items\.f32.*expected/);
    expect(await s3.store.list(versionPrefix('bad-shape'))).toEqual([]);
    expect(await readLatest(s3.store)).toBe(before);
  });

  it('keeps only `keep` versions, never deleting the live one; rollback verifies first', async () => {
    const published: string[] = [];
    for (let k = 0; k < 4; k++) published.push((await publishModel(s3.store, smallModel(), { keep: 3 })).version);
    const listed = await listVersions(s3.store);
    expect(listed.filter((v) => v.complete)).toHaveLength(3);
    expect(listed[0]!.version).toBe(published[3]);
    expect(listed[0]!.live).toBe(true);
    expect(listed.map((v) => v.version)).not.toContain(published[0]);

    // Roll back to the oldest kept version, then prune with keep 1: the live (old) one survives.
    const old = listed[2]!.version;
    await rollback(s3.store, old);
    expect(await readLatest(s3.store)).toBe(old);
    const removed = await prune(s3.store, { keep: 1 });
    expect(removed.sort()).toEqual([published[2], published[3]].sort());
    expect((await listVersions(s3.store)).map((v) => v.version)).toEqual([old]);

    // A corrupted version cannot be rolled back to, and LATEST stays put.
    const other = (await publishModel(s3.store, smallModel(), { keep: 5 })).version;
    await s3.store.put(fileKey(other, FILES.items), Buffer.alloc(manifestBytes(await readManifest(s3.store, other))));
    await rollback(s3.store, old);
    await expect(rollback(s3.store, other)).rejects.toThrow(/items\.f32 does not match its sha256/);
    await expect(rollback(s3.store, '../etc')).rejects.toThrow(/not a model version id/);
    expect(await readLatest(s3.store)).toBe(old);

    // Listing by sizes calls it complete but unverified; listing with verify says why it is not.
    const sized = (await listVersions(s3.store)).find((v) => v.version === other)!;
    expect(sized).toMatchObject({ complete: true });
    expect(sized.verified).toBeUndefined();
    const checked = (await listVersions(s3.store, { verify: true })).find((v) => v.version === other)!;
    expect(checked).toMatchObject({ complete: true, verified: false, problem: expect.stringMatching(/items\.f32 does not match its sha256/) });
    // Prune never counts it as a kept version: newest first come the live one, the corrupt
    // one, then `old`; with keep 2 it is `old`, the good fallback, that stays.
    const newer = (await publishModel(s3.store, smallModel(), { keep: 10 })).version;
    await prune(s3.store, { keep: 2 });
    const left = (await listVersions(s3.store, { verify: true })).map((v) => [v.version, v.verified]);
    expect(left).toContainEqual([newer, true]);
    expect(left).toContainEqual([old, true]);
  });

  it('an interrupted publish (killed child) leaves the previous model live; the next publish works', async () => {
    const live = (await publishModel(s3.store, smallModel(), { keep: 10 })).version;
    const { uploaded, code } = await publishInChildAndKill(s3.endpoint, 'artifacts-test', 'killed-version', 3);
    expect(code).toBe('SIGKILL');
    expect(uploaded).toBeGreaterThanOrEqual(3);

    // Some files of the killed version exist, but no manifest, and LATEST is unchanged.
    const leftovers = await s3.store.list(versionPrefix('killed-version'));
    expect(leftovers.length).toBeGreaterThan(0);
    expect(leftovers).not.toContain(fileKey('killed-version', FILES.manifest));
    expect(await readLatest(s3.store)).toBe(live);
    await verifyVersion(s3.store, live);

    let listed = await listVersions(s3.store);
    const killed = listed.find((v) => v.version === 'killed-version')!;
    expect(killed).toMatchObject({ complete: false, live: false });
    expect(killed.problem).toMatch(/no manifest/);
    expect(listed.find((v) => v.live)?.version).toBe(live);

    // The next publish succeeds; a fresh leftover survives prune (grace), a stale one does not.
    const next = await publishModel(s3.store, smallModel(), { keep: 10 });
    expect(await readLatest(s3.store)).toBe(next.version);
    expect(await s3.store.list(versionPrefix('killed-version'))).not.toEqual([]);
    const removed = await prune(s3.store, { keep: 10, now: new Date(Date.now() + 2 * 3600_000) });
    expect(removed).toEqual(['killed-version']);
    listed = await listVersions(s3.store);
    expect(listed.filter((v) => !v.complete)).toEqual([]);
    expect(listed[0]).toMatchObject({ version: next.version, live: true });
    await verifyVersion(s3.store, next.version);
  });
});

function manifestBytes(m: { files: Record<string, { bytes: number }> }): number {
  return m.files[FILES.items]!.bytes;
}

const childScript = fileURLToPath(new URL('./publish-child.ts', import.meta.url));

/** Runs publish-child.ts and SIGKILLs it once it reports `killAfter` uploaded files. */
function publishInChildAndKill(endpoint: string, bucket: string, version: string, killAfter: number) {
  return new Promise<{ uploaded: number; code: string | number | null }>((resolve, reject) => {
    // `node --import tsx` runs the script in this one process (the tsx CLI would fork a
    // grandchild that outlives the SIGKILL).
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, endpoint, bucket, version], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let uploaded = 0;
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('uploaded ')) uploaded++;
        if (line === 'published') reject(new Error('child finished publishing before it was killed'));
      }
      if (uploaded >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve({ uploaded, code: signal ?? code });
    });
  });
}
