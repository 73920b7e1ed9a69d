import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { publishModel } from '../../lib/artifacts/publish';
import { FILES, LATEST_KEY } from '../../lib/artifacts/format';
import { loadModelArtifacts, readTyped } from '../../lib/artifacts/load';
import { readLatest, readManifest } from '../../lib/artifacts/versions';
import { eventsKeyAt, newEventsKey } from '../../lib/events/keys';
import { writeEvents } from '../../lib/events/store';
import { runRefresh } from '../../lib/pipeline/refresh';
import { toPublishInput } from '../../lib/pipeline/publish-input';
import { runTraining } from '../../lib/pipeline/train-pipeline';
import { ServingModel } from '../../lib/serving/serving-model';
import { startTestS3 } from '../helpers/s3';
import { buildFixture, publishFixture, type FixtureOptions } from '../serving/fixture';

/** Refresh and the training merge against a real s3rver, in-process (the HTTP side is test/api/events-http.int.test.ts). */
let s3: Awaited<ReturnType<typeof startTestS3>>;
beforeAll(async () => {
  s3 = await startTestS3('refresh-bucket');
});
afterAll(async () => s3?.close());
afterEach(async () => {
  const keys = [...(await s3.store.list('events/')), ...(await s3.store.list('models/'))];
  if (keys.length) await s3.store.deleteMany(keys);
});

/** Refresh takes the events received before `until`: here a moment ahead, so the ones just written count. */
const soon = () => ({ until: Date.now() + 1000 });
const row = (P: Float32Array, u: number, dim: number) => Array.from(P.subarray(u * dim, (u + 1) * dim));

async function live() {
  const version = (await readLatest(s3.store))!;
  const artifacts = await loadModelArtifacts(s3.store, version, { wholeUpToBytes: Infinity });
  return { version, artifacts, model: new ServingModel(artifacts, s3.store) };
}

async function publishKind(options: FixtureOptions) {
  const fixture = buildFixture({ nUsers: 20, nItems: 30, dim: 4, seed: 3, ...options });
  await publishFixture(s3.store, fixture, 'v1');
  return fixture;
}

describe('refresh (users re-solved against fixed items)', () => {
  it("re-solves exactly the users with events by the kind's fold-in; everyone else's row is untouched", async () => {
    const f = await publishKind({ kind: 'svd' });
    const before = await live();
    const P0 = (before.artifacts.P as { data: Float32Array }).data;
    await writeEvents(s3.store, [{ userId: f.userId(2), movieId: f.movieId(5), rating: 5, timestamp: 2 }, { userId: 5000, movieId: f.movieId(1), rating: 1, timestamp: 2 }], Date.now());
    const logs: string[] = [];
    const result = await runRefresh(s3.store, {}, { ...soon(), log: (m) => logs.push(m) });
    expect(result).toMatchObject({ published: true, users: 2, newUsers: 1, events: 2 });

    const after = await live();
    expect(after.version).toBe(result.version);
    const P1 = (after.artifacts.P as { data: Float32Array }).data;
    const nUsers = before.artifacts.manifest.nUsers;
    for (let u = 0; u < nUsers; u++) if (u !== 2) expect(row(P1, u, 4)).toEqual(row(P0, u, 4));
    expect(row(P1, 2, 4)).not.toEqual(row(P0, 2, 4));
    // The new user is the fold-in of their one rating, exactly as POST /reco would make them.
    const visitor = before.model.scorer.foldIn(Int32Array.of(1), Float32Array.of(1));
    expect(row(P1, nUsers, 4)).toEqual(Array.from(visitor.vec!.subarray(visitor.offset, visitor.offset + 4)));
    expect(after.model.users.indexOf(5000)).toBe(nUsers);
    // Seen items: the old ones plus the posted one.
    const seen = (m: typeof after, u: number) => {
      const s = m.artifacts.seenOffsets as { data: Uint32Array };
      return Array.from((m.artifacts.seenItems as { data: Int32Array }).data.subarray(s.data[u]!, s.data[u + 1]!));
    };
    expect(seen(after, 2)).toEqual([...new Set([...seen(before, 2), 5])].sort((a, b) => a - b));
    expect(seen(after, 7)).toEqual(seen(before, 7));
    // Their stored ratings (format 3) follow: the posted one, the old ones as they were rated, the new user's.
    const rated = async (m: typeof after, u: number) => {
      const s = (m.artifacts.seenOffsets as { data: Uint32Array }).data;
      const all = await readTyped(s3.store, m.artifacts.manifest, FILES.seenRatings, Float32Array, s[s.length - 1]!);
      return new Map(seen(m, u).map((item, k) => [item, all[s[u]! + k]!]));
    };
    const [old2, new2] = [await rated(before, 2), await rated(after, 2)];
    expect(new2.get(5)).toBe(5);
    for (const [item, r] of old2) if (item !== 5) expect(new2.get(item)).toBe(r);
    expect(await rated(after, 7)).toEqual(await rated(before, 7));
    expect([...(await rated(after, nUsers))]).toEqual([[1, 1]]);
    // The item side is the trained version's, copied byte for byte.
    expect(after.artifacts.manifest.files[FILES.items]).toEqual(before.artifacts.manifest.files[FILES.items]);
    expect(Array.from(after.artifacts.Q)).toEqual(Array.from(before.artifacts.Q));
  });

  it('reads only the events after the last refresh; a second refresh chains to the first and keeps the trained item side', async () => {
    const f = await publishKind({ kind: 'ials' });
    await writeEvents(s3.store, [{ userId: f.userId(1), movieId: f.movieId(3), timestamp: 1 }], Date.now());
    const first = await runRefresh(s3.store, {}, soon());
    expect(first).toMatchObject({ published: true, events: 1 });
    expect(await runRefresh(s3.store, {}, soon())).toMatchObject({ published: false, reason: 'no new events' });
    // Received after the first refresh's cut (which was a moment ahead of the clock).
    await writeEvents(s3.store, [{ userId: f.userId(2), movieId: f.movieId(4), timestamp: 1 }], Date.now() + 2000);
    expect(await runRefresh(s3.store, {}, soon())).toMatchObject({ published: false, reason: 'no new events' });
    const second = await runRefresh(s3.store, {}, { until: Date.now() + 3000 });
    expect(second).toMatchObject({ published: true, from: first.version, events: 1, users: 1 });
    const m = await readManifest(s3.store, second.version!);
    expect(m.refresh).toMatchObject({ from: first.version, itemsFrom: 'v1' });
  });

  it('counts malformed lines, unknown movies and ratings outside the scale, and publishes nothing when no event is usable', async () => {
    const f = await publishKind({ kind: 'svd' });
    await s3.store.put(newEventsKey(Date.now()), `{"userId":${f.userId(1)}\nnot json\n{"userId":${f.userId(1)},"movieId":999999,"rating":3,"timestamp":1}\n{"userId":${f.userId(1)},"movieId":${f.movieId(1)},"rating":7,"timestamp":1}\n`);
    const result = await runRefresh(s3.store, {}, soon());
    expect(result).toMatchObject({ published: false, reason: 'no usable new events', dropped: { malformed: 2, unknownMovie: 1, outsideScale: 1 } });
    expect(result.examples.join('\n')).toMatch(/not json/);
    expect(await readLatest(s3.store)).toBe('v1');
  });

  it('is a no-op with a clear log line for a model that cannot fold in, and for one without personal scores', async () => {
    const f = await publishKind({ kind: 'ials', foldIn: { reg: 0.1 } });
    await writeEvents(s3.store, [{ userId: f.userId(1), movieId: f.movieId(3), timestamp: 1 }], Date.now());
    const logs: Array<[string, Record<string, unknown> | undefined]> = [];
    const result = await runRefresh(s3.store, {}, { ...soon(), log: (m, d) => logs.push([m, d]) });
    expect(result).toMatchObject({ published: false, reason: expect.stringMatching(/cannot fold in: iALS foldIn/) });
    expect(logs).toContainEqual(['refresh: this model cannot fold in users, nothing published', expect.objectContaining({ kind: 'ials' })]);
    expect(await readLatest(s3.store)).toBe('v1');

    await s3.store.deleteMany(await s3.store.list('models/'));
    await publishKind({ kind: 'popularity' });
    expect(await runRefresh(s3.store, {}, soon())).toMatchObject({ published: false, reason: expect.stringMatching(/no personal scores/) });
  });

  it('does nothing without a live model', async () => {
    expect(await s3.store.get(LATEST_KEY)).toBeUndefined();
    expect(await runRefresh(s3.store, {}, soon())).toMatchObject({ published: false, reason: 'no model is live' });
  });
});

describe('training merges the posted events', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'events-train-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('takes the events newer than the file, reports the rest, and records where a refresh starts', async () => {
    const lines = ['user,item,rating,timestamp'];
    for (let u = 1; u <= 12; u++) for (let i = 1; i <= 8; i++) if ((u + i) % 3 !== 0) lines.push(`${u},${i},${1 + ((u * i) % 5)},${1000 + u + i}`);
    const file = join(dir, 'ratings.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    await writeEvents(s3.store, [
      { userId: 1, movieId: 3, rating: 5, timestamp: 900 },
      { userId: 1, movieId: 2, rating: 5, timestamp: 5000 },
      { userId: 99, movieId: 4, rating: 4, timestamp: 5001 },
    ], Date.now());
    const key = newEventsKey(Date.now() + 5);
    await s3.store.put(key, '{"userId":1}\n');
    // Received (by its key) long before the file's newest timestamp, minus the clock skew allowed: not even read.
    await s3.store.put(newEventsKey(1000), '{"userId":1,"movieId":5,"rating":5,"timestamp":5000}\n');

    const until = Date.now() + 1000;
    const run = await runTraining({ source: file, model: 'svd', params: { dim: 2, epochs: 2 }, threads: 1 }, { eventsStore: s3.store, eventsUntil: until });
    const through = eventsKeyAt(until);
    expect(run.data.events).toMatchObject({ objects: 2, read: 4, merged: 2, dropped: { older: 1, malformed: 1 }, newerThan: 1020, through });
    expect(run.data.events!.examples[0]).toContain(`${key}:1: {"userId":1}`);
    // Two new (user, movie) pairs: (1, 2) is not in the file, user 99 is new.
    expect(run.loaded.dataset.size).toBe(lines.length - 1 + 2);
    expect(run.loaded.dataset.userIds.index(99)).toBeGreaterThanOrEqual(0);

    const manifest = await publishModel(s3.store, toPublishInput(run));
    expect(manifest.events).toEqual({ through, merged: 2 });
    // Nothing after `through`: the first refresh of this model has nothing to do.
    expect(await runRefresh(s3.store, {}, soon())).toMatchObject({ published: false, reason: 'no new events' });

    const without = await runTraining({ source: file, model: 'svd', params: { dim: 2, epochs: 2 }, threads: 1, events: false }, { eventsStore: s3.store });
    expect(without.data.events).toBeUndefined();
    expect(without.loaded.dataset.size).toBe(lines.length - 1);
  });
});
