import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, LATEST_KEY, fileKey } from '../../lib/artifacts/format';
import { NoModelError, StorageUnavailableError } from '../../lib/serving/errors';
import { ModelCache } from '../../lib/serving/model-cache';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';
import { startS3Proxy } from '../../scripts/support/s3-proxy';
import { startTestS3 } from '../helpers/s3';
import { buildFixture, publishFixture } from './fixture';

let s3: Awaited<ReturnType<typeof startTestS3>>;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => s3?.close());

function recordingLog() {
  const warnings: string[] = [];
  return { warnings, log: { info() {}, warn: (m: string) => void warnings.push(m) } };
}

describe('ModelCache', () => {
  it('says there is no model, then picks one up once published, and swaps to a newer one only after the refresh interval', async () => {
    let clock = 1_000_000;
    const cache = new ModelCache(s3.store, { refreshSeconds: 30, now: () => clock });
    await expect(cache.current()).rejects.toBeInstanceOf(NoModelError);

    await publishFixture(s3.store, buildFixture({ seed: 1 }), 'v1');
    const first = await cache.current();
    expect(first.version).toBe('v1');

    await publishFixture(s3.store, buildFixture({ seed: 2 }), 'v2');
    clock += 10_000;
    expect((await cache.current()).version).toBe('v1');
    clock += 25_000;
    const second = await cache.current();
    expect(second.version).toBe('v2');
    // The old model object is untouched: a request that started on it finishes on it.
    expect(first.version).toBe('v1');
    expect(first.artifacts.Q).not.toBe(second.artifacts.Q);
  });

  it('says in fixed words why there is no model: a live version that does not verify (and nothing older) names no file', async () => {
    const store = new ObjectStore('only-corrupt', s3.store.client);
    await store.ensureBucket();
    await publishFixture(store, buildFixture({ seed: 3 }), 'v-corrupt');
    const key = fileKey('v-corrupt', FILES.items);
    const body = (await store.get(key))!;
    body[0] = body[0]! ^ 0xff;
    await store.put(key, body);
    const cache = new ModelCache(store);
    const err = await cache.current().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoModelError);
    expect((err as Error).message).toBe('no model is available: the published model does not verify');
    expect(cache.status()).toMatchObject({ problem: 'model-invalid', lastError: expect.stringMatching(/items\.f32.*sha256/) });
  });

  it('serves around a live version that does not verify: the newest good one, degraded, reading the bad one once', async () => {
    await publishFixture(s3.store, buildFixture({ seed: 4 }), 'v-good');
    await publishFixture(s3.store, buildFixture({ seed: 5 }), 'v-bad');
    const key = fileKey('v-bad', FILES.items);
    const body = (await s3.store.get(key))!;
    body[0] = body[0]! ^ 0xff;
    await s3.store.put(key, body);
    await s3.store.put(LATEST_KEY, 'v-bad');
    // Every read of the bad version's big file, counted.
    let badReads = 0;
    const counting = new (class extends ObjectStore {
      override async getStream(k: string) {
        if (k === key) badReads++;
        return super.getStream(k);
      }
    })(s3.store.bucket, s3.store.client);
    let clock = 0;
    const cache = new ModelCache(counting, { refreshSeconds: 1, now: () => clock });
    for (let k = 0; k < 100; k++) {
      expect((await cache.current()).version).toBe('v-good');
      clock += 100; // 10 s in all: a refresh every second, the bad version retried after its back-off
    }
    expect(cache.status()).toMatchObject({ version: 'v-good', degraded: { latestVersion: 'v-bad', reason: 'model-invalid' } });
    expect(badReads).toBeLessThanOrEqual(2);
    // Fixed: a good version published and named by LATEST ends the degraded state.
    await publishFixture(s3.store, buildFixture({ seed: 6 }), 'v-fixed');
    await s3.store.put(LATEST_KEY, 'v-fixed');
    clock += 2000;
    expect((await cache.current()).version).toBe('v-fixed');
    expect(cache.status().degraded).toBeUndefined();
  });

  it('keeps serving when LATEST points at a broken version', async () => {
    const { warnings, log } = recordingLog();
    let clock = 0;
    const cache = new ModelCache(s3.store, { refreshSeconds: 1, now: () => clock, log });
    const live = (await cache.current()).version;
    await s3.store.put(LATEST_KEY, 'does-not-exist');
    clock += 2000;
    expect((await cache.current()).version).toBe(live);
    expect(warnings.join('\n')).toMatch(/keeping the loaded model/);
    expect(cache.status().lastError).toMatch(/does-not-exist/);
    expect(cache.status().problem).toBe('model-invalid');
    await s3.store.put(LATEST_KEY, live);
  });

  it('shares one load between concurrent first requests', async () => {
    const cache = new ModelCache(s3.store, { refreshSeconds: 60 });
    const models = await Promise.all(Array.from({ length: 8 }, () => cache.current()));
    expect(new Set(models).size).toBe(1);
  });

  it('keeps serving the loaded model when S3 goes away, and answers NoModelError when it never had one', async () => {
    const other = await startTestS3('other-bucket');
    await publishFixture(other.store, buildFixture({ seed: 9 }), 'only');
    const { warnings, log } = recordingLog();
    let clock = 0;
    const cache = new ModelCache(other.store, { refreshSeconds: 1, now: () => clock, log });
    const empty = new ModelCache(other.store, { refreshSeconds: 1, now: () => clock });
    expect((await cache.current()).version).toBe('only');
    await other.close();
    clock += 5000;
    expect((await cache.current()).version).toBe('only');
    expect(warnings.join('\n')).toMatch(/refresh failed/);
    await expect(empty.current()).rejects.toBeInstanceOf(NoModelError);
  });
});

describe('ModelCache with a hung S3', () => {
  it('answers from the loaded model within refreshWaitMs while a refresh hangs', async () => {
    const proxy = await startS3Proxy(s3.endpoint);
    const client = createS3Client({ endpoint: proxy.endpoint, maxAttempts: 1 });
    try {
      let clock = 0;
      const cache = new ModelCache(new ObjectStore(s3.store.bucket, client), { refreshSeconds: 1, refreshWaitMs: 200, now: () => clock });
      const live = (await cache.current()).version;
      proxy.hang();
      clock += 5000;
      // Neither request waits for the hung refresh (if they did, the test would time out).
      expect((await cache.current()).version).toBe(live);
      expect((await cache.current()).version).toBe(live);
      expect(cache.status().checkedAt).toBeLessThan(clock);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });

  it("ends a large model's uncached-user read within the idle timeout when S3 hangs: a 503, not a wait", async () => {
    await publishFixture(s3.store, buildFixture({ seed: 9, nUsers: 50 }), 'v-ranged');
    await s3.store.put(LATEST_KEY, 'v-ranged');
    const proxy = await startS3Proxy(s3.endpoint);
    const client = createS3Client({ endpoint: proxy.endpoint, maxAttempts: 1, idleTimeoutMs: 500 });
    try {
      const cache = new ModelCache(new ObjectStore(s3.store.bucket, client), { wholeUpToBytes: 0 });
      const model = await cache.current();
      proxy.hang();
      const started = Date.now();
      const err = await model.userRows.load(7).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});
