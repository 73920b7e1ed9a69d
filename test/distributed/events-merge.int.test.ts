import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelArtifacts } from '../../lib/artifacts/load';
import { publishModel } from '../../lib/artifacts/publish';
import { verifyVersion } from '../../lib/artifacts/versions';
import { readJson } from '../../lib/distributed/factor-blocks';
import { keys, type RunManifest } from '../../lib/distributed/run-layout';
import type { FinishResult } from '../../lib/distributed/steps';
import { writeEvents } from '../../lib/events/store';
import { toPublishInput } from '../../lib/pipeline/publish-input';
import { runTraining } from '../../lib/pipeline/train-pipeline';
import { startTestS3 } from '../helpers/s3';
import { runDistributed, trainHandler } from './run-helpers';

const BUCKET = 'distributed-events';

/** A user's rated movies in a published model (its seen lists), as external ids, sorted. */
async function seenOf(store: Parameters<typeof loadModelArtifacts>[0], version: string, user: number): Promise<number[]> {
  const m = await loadModelArtifacts(store, version);
  if (m.seenOffsets.kind !== 'whole' || m.seenItems.kind !== 'whole') throw new Error('expected whole seen lists');
  const u = Array.from(m.userIds as Int32Array).indexOf(user);
  if (u < 0) return [];
  const items = m.seenItems.data.subarray(m.seenOffsets.data[u]!, m.seenOffsets.data[u + 1]!);
  return Array.from(items, (i) => (m.itemIds as Int32Array)[i]!).sort((a, b) => a - b);
}

describe('a distributed run merges the posted events as a single run does', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dir: string;
  let file: string;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
    dir = await mkdtemp(join(tmpdir(), 'distributed-events-'));
    const lines = ['user,item,rating,timestamp'];
    for (let u = 1; u <= 40; u++) for (let i = 1; i <= 12; i++) if ((u + i) % 3 !== 0) lines.push(`${u},${i},${1 + ((u * i) % 5)},${1000 + u + i}`);
    file = join(dir, 'ratings.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    // Received a minute ago (settled): one older than the file, a new pair, a new user, an override, a bad line.
    const receivedAt = Date.now() - 60_000;
    await writeEvents(
      s3.store,
      [
        { userId: 1, movieId: 3, rating: 5, timestamp: 900 },
        { userId: 1, movieId: 2, rating: 5, timestamp: 5000 },
        { userId: 99, movieId: 4, rating: 4, timestamp: 5001 },
        { userId: 99, movieId: 7, rating: 3, timestamp: 5002 },
        { userId: 2, movieId: 2, rating: 1, timestamp: 5003 },
      ],
      receivedAt,
    );
    await writeEvents(s3.store, [{ userId: 5, movieId: 5, rating: 2, timestamp: 5004 }], receivedAt + 1);
    process.env.TRAIN_LOCAL_FILES = 'allow';
  });
  afterAll(async () => {
    process.env = savedEnv;
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  const config = () => ({ source: file, model: 'ials' as const, params: { dim: 4, epochs: 2 }, seed: 3, threads: 1 });

  it('with the same cut-off, counts and seen lists, and says so in the finish report and the manifest', async () => {
    const single = await runTraining(config(), { eventsStore: s3.store });
    const singleManifest = await publishModel(s3.store, toPublishInput(single));
    expect(single.data.events).toMatchObject({ objects: 2, read: 6, merged: 5, dropped: { older: 1 }, newerThan: 1052 });

    const invoke = await trainHandler(s3.endpoint, BUCKET);
    const { output } = await runDistributed(s3.store, invoke, { config: config(), shards: 2, runId: 'events-on' });
    const finish = output as FinishResult;
    expect(finish.events).toEqual({ merged: 5 });
    const manifest = await verifyVersion(s3.store, finish.version);
    // Each run reads up to its own moment (`through`); the same objects fall before both.
    expect(manifest.events).toEqual({ merged: 5, through: expect.stringMatching(/^events\//) });
    expect(singleManifest.events?.merged).toBe(5);
    expect(manifest.dataset.sha256.split('+')[0]).toBe(singleManifest.dataset.sha256.split('+')[0]);
    expect(manifest.dataset.sha256).toBe(`${manifest.dataset.sha256.split('+')[0]}+events:${manifest.events!.through}`);
    expect([manifest.nUsers, manifest.nItems, manifest.nRatings]).toEqual([singleManifest.nUsers, singleManifest.nItems, singleManifest.nRatings]);
    const run = await readJson<RunManifest>(s3.store, keys.manifest('distributed/events-on/'));
    expect(run.events).toMatchObject({ merged: 5, through: manifest.events!.through });

    for (const user of [1, 2, 5, 99]) expect(await seenOf(s3.store, finish.version, user), `user ${user}`).toEqual(await seenOf(s3.store, singleManifest.version, user));
    // User 1 gained movie 2 (an event) and not movie 3 (older than the file); user 99 is new.
    expect(await seenOf(s3.store, finish.version, 1)).toContain(2);
    expect(await seenOf(s3.store, finish.version, 99)).toEqual([4, 7]);
  }, 90_000);

  it('finish reads the events prepare read, not those that came since', async () => {
    const handler = await trainHandler(s3.endpoint, BUCKET);
    const invoke = async (event: unknown) => {
      // Settled by the time finish runs (older than its own default cut-off), but not when prepare read.
      if ((event as { mode?: string }).mode === 'distributed-finish') await writeEvents(s3.store, [{ userId: 7, movieId: 2, rating: 4, timestamp: 6000 }], Date.now() - 30_001);
      return handler(event);
    };
    const { output } = await runDistributed(s3.store, invoke, { config: config(), shards: 2 });
    const finish = output as FinishResult;
    expect(finish.events).toEqual({ merged: 5 });
    expect(await seenOf(s3.store, finish.version, 7)).not.toContain(2);
  }, 90_000);

  it('leaves the events out with events: false, as a single run does', async () => {
    const invoke = await trainHandler(s3.endpoint, BUCKET);
    const { output } = await runDistributed(s3.store, invoke, { config: { ...config(), events: false }, shards: 2 });
    const finish = output as FinishResult;
    expect(finish.events).toEqual({ merged: 0 });
    const manifest = await verifyVersion(s3.store, finish.version);
    expect(manifest.events).toBeUndefined();
    expect(await seenOf(s3.store, finish.version, 99)).toEqual([]);
    expect(await seenOf(s3.store, finish.version, 1)).not.toContain(2);
  }, 90_000);
});
