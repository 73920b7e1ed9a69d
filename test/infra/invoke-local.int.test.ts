import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, fileKey } from '../../lib/artifacts/format';
import { readLatest, readManifest } from '../../lib/artifacts/versions';
import { startTestS3 } from '../helpers/s3';
import { SLS, esbuildWorkDir, run } from './process';

const BUCKET = 'invoke-local-test';

/** `sls invoke local -f train --stage local` against a real s3rver: no Docker, no AWS. */
describe('sls invoke local -f train', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  const work = esbuildWorkDir('invoke');
  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
  });
  afterAll(async () => {
    await s3.close();
    await work.remove();
  });

  it('trains on events/synthetic-small.json and publishes a complete model', async () => {
    const out = await run(SLS, ['invoke', 'local', '-f', 'train', '--stage', 'local', '-p', 'events/synthetic-small.json'], {
      timeoutMs: 110_000,
      env: { S3_ENDPOINT: s3.endpoint, MODEL_BUCKET: BUCKET, ESBUILD_WORK_DIR: work.name, TRAIN_THREADS: '2' },
    });
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    const summary = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'), out.stdout.lastIndexOf('}') + 1));

    const version = await readLatest(s3.store);
    expect(version).toBe(summary.version);
    const manifest = await readManifest(s3.store, version!);
    expect(manifest.nUsers).toBe(2000);
    expect(manifest.nItems).toBe(300);
    expect(manifest.dataset.source).toMatch(/^synthetic:users=2000,movies=300/);
    expect(manifest.metrics.validationRmse).toBeGreaterThan(0);
    expect(manifest.metrics.validationRmse).toBeLessThan(1.5);
    expect(manifest.training.curve.length).toBe(manifest.training.epochs);
    for (const [name, entry] of Object.entries(manifest.files)) {
      const body = (await s3.store.get(fileKey(version!, name)))!;
      expect(body.length, name).toBe(entry.bytes);
      expect(createHash('sha256').update(body).digest('hex'), name).toBe(entry.sha256);
    }
    expect(manifest.files[FILES.items]!.shape).toEqual([300, manifest.dim]);
    expect(manifest.files[FILES.users]!.shape).toEqual([2000, manifest.dim]);
    expect(manifest.files[FILES.seenIndex]!.shape).toEqual([2001]);
  }, 120_000);
});
