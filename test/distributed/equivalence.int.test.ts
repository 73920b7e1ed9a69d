import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listVersions, readLatest, readManifest, verifyVersion } from '../../lib/artifacts/versions';
import { loadModelArtifacts } from '../../lib/artifacts/load';
import { runTraining } from '../../lib/pipeline/train-pipeline';
import { startTestS3 } from '../helpers/s3';
import { runDistributed, trainHandler } from './run-helpers';

const BUCKET = 'distributed-equivalence';
/** Planted synthetic ratings: 300k, taste-driven, so that ranking quality has room to differ. */
const CONFIG = {
  source: 'synthetic:users=10000,movies=1000,perUser=30,dim=2,taste=2,seed=5',
  model: 'ials' as const,
  params: { epochs: 4, dim: 32 },
  seed: 7,
  threads: 1,
};

function relativeDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < a.length; k++) {
    diff += (a[k]! - b[k]!) ** 2;
    norm += a[k]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

describe('distributed iALS (the state machine, run locally) against one process', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await s3.close();
  });

  it('gives the same NDCG@10 and recall@10 (within 0.005) and close factors, and publishes a normal model', async () => {
    const single = await runTraining(CONFIG);
    const invoke = await trainHandler(s3.endpoint, BUCKET);
    const { output } = await runDistributed(s3.store, invoke, { config: CONFIG, shards: 8, maxConcurrency: 4 });
    const version = (output as { version: string }).version;
    expect(await readLatest(s3.store)).toBe(version);
    const manifest = await verifyVersion(s3.store, version);
    expect(manifest.model.kind).toBe('ials');
    expect(manifest.nUsers).toBe(single.fit.factors.nUsers);

    for (const metric of ['validation_ndcg@10', 'validation_recall@10']) {
      expect(Math.abs(manifest.metrics[metric]! - single.metrics[metric]!), metric).toBeLessThan(0.005);
    }
    // Well above popularity's level on this set: the loop really trained.
    expect(manifest.metrics['validation_recall@10']).toBeGreaterThan(0.1);

    const model = await loadModelArtifacts(s3.store, version);
    const f = single.fit.factors;
    expect(relativeDiff(f.Q, model.Q)).toBeLessThan(0.02);
    const P = model.P?.kind === 'whole' ? model.P.data : undefined;
    expect(P).toBeDefined();
    expect(relativeDiff(f.P!, P!)).toBeLessThan(0.02);
    // The same objective, iteration by iteration.
    const curve = (await readManifest(s3.store, version)).training.curve;
    single.fit.curve.forEach((p, k) => expect(Math.abs(curve[k]!.batchError! - p.batchError) / p.batchError).toBeLessThan(1e-3));
    expect((await listVersions(s3.store)).length).toBe(1);
  }, 120_000);
});
