import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, fileKey } from '../../lib/artifacts/format';
import { blocksFileOf } from '../../lib/artifacts/blocks';
import { ArtifactError } from '../../lib/artifacts/errors';
import { loadModelArtifacts } from '../../lib/artifacts/load';
import { StorageUnavailableError } from '../../lib/serving/errors';
import { buildIdIndex } from '../../lib/serving/id-index';
import { recommendForUser } from '../../lib/serving/recommender';
import { ServingModel } from '../../lib/serving/serving-model';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';
import { startTestS3 } from '../helpers/s3';
import { buildFixture, publishFixture, ratedBy } from './fixture';

let s3: Awaited<ReturnType<typeof startTestS3>>;
const fixture = buildFixture({ nUsers: 30, nItems: 25, dim: 6 });

beforeAll(async () => {
  s3 = await startTestS3();
  await publishFixture(s3.store, fixture, 'v1');
});
afterAll(async () => s3?.close());

/** Makes a version look published before block checksums existed. */
async function dropBlockChecksums(version: string): Promise<void> {
  const key = fileKey(version, FILES.manifest);
  const manifest = JSON.parse((await s3.store.get(key))!.toString('utf8')) as { files: Record<string, { blocks?: unknown }> };
  for (const e of Object.values(manifest.files)) delete e.blocks;
  await s3.store.put(key, JSON.stringify(manifest));
}

describe('loadModelArtifacts', () => {
  it('reads every array back exactly as published', async () => {
    const a = await loadModelArtifacts(s3.store, 'v1');
    expect(a.manifest.version).toBe('v1');
    expect(Array.from(a.Q)).toEqual(Array.from(fixture.factors.Q));
    expect(Array.from(a.itemBias!)).toEqual(Array.from(fixture.factors.itemBias!));
    expect(a.rangedUsers).toBe(false);
    expect(a.userBias?.kind).toBe('whole');
    if (a.userBias?.kind === 'whole') expect(Array.from(a.userBias.data)).toEqual(Array.from(fixture.factors.userBias!));
    expect(a.seenOffsets.kind).toBe('whole');
    if (a.seenOffsets.kind === 'whole') expect(a.seenOffsets.data[fixture.factors.nUsers]).toBe(a.nSeen);
    expect(a.P?.kind).toBe('whole');
    if (a.P?.kind === 'whole') expect(Array.from(a.P.data)).toEqual(Array.from(fixture.factors.P!));
    expect([...a.userIds]).toEqual([...fixture.dataset.userIds.toArray()]);
    expect(a.catalog[3]).toEqual({ title: 'Movie 3 (1993)', genres: ['Drama'], year: 1993 });
    expect(a.popular.length).toBe(25);
  });

  it('leaves per-user files in S3 above the threshold and reads rows by range identically', async () => {
    const whole = new ServingModel(await loadModelArtifacts(s3.store, 'v1'), s3.store);
    const ranged = new ServingModel(await loadModelArtifacts(s3.store, 'v1', { wholeUpToBytes: 0 }), s3.store);
    expect(whole.userRows.ranged).toBe(false);
    expect(ranged.userRows.ranged).toBe(true);
    const dim = fixture.factors.dim;
    for (let u = 0; u < fixture.factors.nUsers; u++) {
      expect(ranged.userRows.peek(u)).toBeUndefined();
      const r = await ranged.userRows.load(u);
      const w = whole.userRows.peek(u)!;
      expect(Array.from(r.vec!.subarray(r.offset, r.offset + dim))).toEqual(Array.from(w.vec!.subarray(w.offset, w.offset + dim)));
      expect(Array.from(r.seen)).toEqual(Array.from(w.seen));
      expect(r.bias).toBe(w.bias);
      const seenIds = new Set(Array.from(r.seen, (i) => whole.movieId(i)));
      expect(seenIds).toEqual(ratedBy(fixture, u));
    }
    expect(ranged.userRows.misses).toBe(fixture.factors.nUsers);
    await ranged.userRows.load(0);
    expect(ranged.userRows.hits).toBeGreaterThan(0);
    // With seen.idx and user_bias.f32 over the threshold too, they are never read whole.
    expect(ranged.artifacts.wholeLater).toBe(false);
    expect(await ranged.userRows.backgroundRead()).toBe(false);
    // Within it, they are read whole in the background after the first answer, and a
    // model whose offsets and biases come from memory answers the same.
    const usersBytes = ranged.manifest.files[FILES.users]!.bytes;
    const fresh = new ServingModel(await loadModelArtifacts(s3.store, 'v1', { wholeUpToBytes: usersBytes - 1 }), s3.store);
    expect(fresh.userRows.ranged).toBe(true);
    expect(fresh.artifacts.wholeLater).toBe(true);
    expect(await fresh.userRows.backgroundRead()).toBe(false);
    await fresh.userRows.load(0);
    expect(await fresh.userRows.backgroundRead()).toBe(true);
    for (let u = 1; u < fixture.factors.nUsers; u++) {
      const r = await fresh.userRows.load(u);
      const w = whole.userRows.peek(u)!;
      expect(Array.from(r.vec!)).toEqual(Array.from(w.vec!.subarray(w.offset, w.offset + dim)));
      expect(Array.from(r.seen)).toEqual(Array.from(w.seen));
      expect(r.bias).toBe(w.bias);
    }
  });

  it('leaves all four per-user files in S3 as soon as one of them is over the threshold', async () => {
    const whole = await loadModelArtifacts(s3.store, 'v1');
    const usersBytes = whole.manifest.files[FILES.users]!.bytes;
    const biasBytes = whole.manifest.files[FILES.userBias]!.bytes;
    expect(biasBytes).toBeLessThan(usersBytes);
    const a = await loadModelArtifacts(s3.store, 'v1', { wholeUpToBytes: usersBytes - 1 });
    expect(a.rangedUsers).toBe(true);
    expect([a.P?.kind, a.userBias?.kind, a.seenOffsets.kind, a.seenItems.kind]).toEqual(['ranged', 'ranged', 'ranged', 'ranged']);
    expect(a.nSeen).toBe(whole.nSeen);
    // Everything a request needs besides the user's own data is still read whole.
    expect([...a.userIds]).toEqual([...whole.userIds]);
    expect(Array.from(a.Q)).toEqual(Array.from(whole.Q));
    const atThreshold = await loadModelArtifacts(s3.store, 'v1', { wholeUpToBytes: usersBytes });
    expect(atThreshold.rangedUsers).toBe(false);
  });

  it('refuses a ranged user whose seen offsets point outside seen.items, and answers 503 when S3 is unreachable', async () => {
    await publishFixture(s3.store, fixture, 'v-offsets');
    const key = fileKey('v-offsets', FILES.seenIndex);
    const body = (await s3.store.get(key))!;
    body.writeUInt32LE(0xffff, 4 * 3); // user 2's end, user 3's start
    await s3.store.put(key, body);
    // Read whole, the sha256 catches it; read by range, the block checksum, and without
    // block checksums (a model published before them) the offsets check does.
    await expect(loadModelArtifacts(s3.store, 'v-offsets')).rejects.toThrow(/sha256/);
    const checked = new ServingModel(await loadModelArtifacts(s3.store, 'v-offsets', { wholeUpToBytes: 0 }), s3.store);
    await expect(checked.userRows.load(2)).rejects.toThrow(/failed its checks/);
    await dropBlockChecksums('v-offsets');
    const model = new ServingModel(await loadModelArtifacts(s3.store, 'v-offsets', { wholeUpToBytes: 0 }), s3.store);
    await expect(model.userRows.load(2)).rejects.toThrow(ArtifactError);
    await expect(model.userRows.load(3)).rejects.toThrow(/seen\.idx gives user 3 entries 65535\.\./);
    expect((await model.userRows.load(4)).seen.length).toBeGreaterThan(0);

    const client = createS3Client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    try {
      const offline = new ServingModel(await loadModelArtifacts(s3.store, 'v1', { wholeUpToBytes: 0 }), new ObjectStore(s3.store.bucket, client));
      await expect(offline.userRows.load(0)).rejects.toThrow(StorageUnavailableError);
    } finally {
      client.destroy();
    }
  });

  it('refuses a ranged row whose block fails its checksum, even when its values look sane: a 503 for that user, counted', async () => {
    await publishFixture(s3.store, fixture, 'v-bad-block');
    const key = fileKey('v-bad-block', FILES.users);
    const users = (await s3.store.get(key))!;
    const dim = fixture.factors.dim;
    // A plausible value, not NaN or huge: only the block checksum can tell.
    users.writeFloatLE(users.readFloatLE(3 * dim * 4) * 0.5 + 0.01, 3 * dim * 4);
    await s3.store.put(key, users);
    const model = new ServingModel(await loadModelArtifacts(s3.store, 'v-bad-block', { wholeUpToBytes: 0 }), s3.store);
    await expect(model.userRows.load(3)).rejects.toThrow(StorageUnavailableError);
    // The fixture's users.f32 is one block: every user in it is refused, none is scored from it.
    await expect(model.userRows.load(4)).rejects.toThrow(/failed its checks/);
    expect(model.userRows.corrupt).toBe(2);
    // Block checksums of seen.items too: an item index swapped for another valid, ordered one.
    await publishFixture(s3.store, fixture, 'v-bad-seen');
    const seenKey = fileKey('v-bad-seen', FILES.seenItems);
    const seen = (await s3.store.get(seenKey))!;
    const [first, second] = [seen.readInt32LE(0), seen.readInt32LE(4)]; // user 0's first two items
    const other = first > 0 ? first - 1 : first + 1;
    expect(other).toBeLessThan(second); // still a valid, ascending seen list
    seen.writeInt32LE(other, 0);
    await s3.store.put(seenKey, seen);
    const seenModel = new ServingModel(await loadModelArtifacts(s3.store, 'v-bad-seen', { wholeUpToBytes: 0 }), s3.store);
    await expect(seenModel.userRows.load(0)).rejects.toThrow(/failed its checks/);
    expect(seenModel.userRows.corrupt).toBe(1);
  });

  it('refuses a ranged row of NaN or 1e30 of a model without block checksums (published before them)', async () => {
    await publishFixture(s3.store, fixture, 'v-bad-rows');
    await dropBlockChecksums('v-bad-rows');
    const key = fileKey('v-bad-rows', FILES.users);
    const users = (await s3.store.get(key))!;
    const dim = fixture.factors.dim;
    users.writeFloatLE(Number.NaN, 3 * dim * 4);
    users.writeFloatLE(1e30, 5 * dim * 4 + 4);
    await s3.store.put(key, users);
    const model = new ServingModel(await loadModelArtifacts(s3.store, 'v-bad-rows', { wholeUpToBytes: 0 }), s3.store);
    expect(model.artifacts.P?.kind === 'ranged' && model.artifacts.P.blocks).toBe(undefined);
    await expect(model.userRows.load(3)).rejects.toThrow(StorageUnavailableError);
    await expect(model.userRows.load(5)).rejects.toThrow(/failed its checks/);
    expect(model.userRows.corrupt).toBe(2);
    const fine = await model.userRows.load(4);
    expect(Array.from(fine.vec!)).toEqual(Array.from(fixture.factors.P!.subarray(4 * dim, 5 * dim)));
  });

  it('refuses a ranged model whose block checksums file is damaged or of the wrong length', async () => {
    await publishFixture(s3.store, fixture, 'v-bad-sums');
    const sums = fileKey('v-bad-sums', blocksFileOf(FILES.users));
    const body = (await s3.store.get(sums))!;
    body[5] = body[5]! ^ 1;
    await s3.store.put(sums, body);
    await expect(loadModelArtifacts(s3.store, 'v-bad-sums', { wholeUpToBytes: 0 })).rejects.toThrow(/users\.f32\.blocks fails its sha256/);
    // Read whole, the model needs no block checksums and loads.
    expect((await loadModelArtifacts(s3.store, 'v-bad-sums')).rangedUsers).toBe(false);
  });

  it('refuses a version whose file does not match its sha256', async () => {
    await publishFixture(s3.store, fixture, 'v-bad');
    const key = fileKey('v-bad', FILES.items);
    const body = (await s3.store.get(key))!;
    body[0] = body[0]! ^ 0xff;
    await s3.store.put(key, body);
    await expect(loadModelArtifacts(s3.store, 'v-bad')).rejects.toThrow(/sha256/);
  });

  it('loads a format-1 model (integer ids only) as it is, and refuses a format it does not know', async () => {
    await publishFixture(s3.store, fixture, 'v-old');
    const key = fileKey('v-old', FILES.manifest);
    const manifest = JSON.parse((await s3.store.get(key))!.toString('utf8')) as Record<string, unknown>;
    await s3.store.put(key, JSON.stringify({ ...manifest, formatVersion: 1 }));
    const old = await loadModelArtifacts(s3.store, 'v-old');
    expect([...old.userIds]).toEqual([...fixture.dataset.userIds.toArray()]);
    await s3.store.put(key, JSON.stringify({ ...manifest, formatVersion: 4 }));
    await expect(loadModelArtifacts(s3.store, 'v-old')).rejects.toThrow(/format version 4 is not one this build reads \(1, 2, 3\)/);
  });

  it("reads a user's ratings only when asked, whole or by range, and none from a format-2 model", async () => {
    const d = fixture.dataset;
    const want = (u: number): number[] => {
      const last = new Map<number, number>();
      for (let r = 0; r < d.size; r++) if (d.users[r] === u) last.set(d.items[r]!, d.ratings[r]!);
      return [...last.entries()].sort((a, b) => a[0] - b[0]).map(([, rating]) => rating);
    };
    const whole = new ServingModel(await loadModelArtifacts(s3.store, 'v1'), s3.store);
    const ranged = new ServingModel(await loadModelArtifacts(s3.store, 'v1', { wholeUpToBytes: 0 }), s3.store);
    for (const u of [0, 5, 29]) {
      expect([...(await whole.userRows.ratings(u))!]).toEqual(want(u));
      expect([...(await ranged.userRows.ratings(u))!]).toEqual(want(u));
      // Reasons, whole or ranged, are the same.
      const id = fixture.userId(u);
      const explained = (await recommendForUser(whole, id, 5, undefined, true)).movies;
      expect(explained.some((m) => m.reasons!.length > 0)).toBe(true);
      expect((await recommendForUser(ranged, id, 5, undefined, true)).movies).toEqual(explained);
    }
    await publishFixture(s3.store, fixture, 'v-format2');
    const key = fileKey('v-format2', FILES.manifest);
    const manifest = JSON.parse((await s3.store.get(key))!.toString('utf8')) as { files: Record<string, unknown> };
    delete manifest.files[FILES.seenRatings];
    await s3.store.put(key, JSON.stringify({ ...manifest, formatVersion: 2 }));
    const old = await loadModelArtifacts(s3.store, 'v-format2');
    expect(old.seenRatings).toBeUndefined();
    expect(await new ServingModel(old, s3.store).userRows.ratings(0)).toBeUndefined();
  });

  it('refuses a version without a manifest', async () => {
    await expect(loadModelArtifacts(s3.store, 'nope')).rejects.toThrow(/manifest/);
  });
});

describe('buildIdIndex', () => {
  it('finds every id, consecutive, dense or sparse, and nothing else', () => {
    for (const ids of [
      Int32Array.from([5, 1, 9, 3]),
      Int32Array.from([2_000_000_000, 7, 1_500_000_000]),
      Int32Array.from([3, 4, 5, 6, 7, 9]),
      Int32Array.from([3, 4, 5, 6, 7]),
      Int32Array.from([1_999_999_990, 1_999_999_991]),
      Int32Array.from([20, 22, 21, 23]),
    ]) {
      const index = buildIdIndex(ids);
      ids.forEach((id, i) => expect(index.indexOf(id)).toBe(i));
      for (const missing of [0, 2, 8, 10, 1_999_999_999, -1, 2.5, 3.5, NaN, Infinity]) expect(index.indexOf(missing)).toBe(-1);
    }
    expect(buildIdIndex(new Int32Array(0)).indexOf(0)).toBe(-1);
  });
});
