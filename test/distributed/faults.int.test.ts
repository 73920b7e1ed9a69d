import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelArtifacts } from '../../lib/artifacts/load';
import { listVersions, readLatest } from '../../lib/artifacts/versions';
import { MODELS_PREFIX } from '../../lib/artifacts/format';
import { startTestS3 } from '../helpers/s3';
import { runDistributed, trainHandler, type Invoke } from './run-helpers';

const BUCKET = 'distributed-faults';
const INPUT = {
  config: { source: 'synthetic:users=2000,movies=300,perUser=20,seed=9', model: 'ials', params: { epochs: 3, dim: 16 }, seed: 3 },
  shards: 4,
  maxConcurrency: 2,
};

type StepEvent = { mode: string; side?: string; block?: number; iteration?: number };

describe('distributed iALS when things go wrong', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let invoke: Invoke;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
    const handler = await trainHandler(s3.endpoint, BUCKET);
    invoke = (event) => handler(event);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await s3.close();
  });

  const factorsOf = async (version: string) => {
    const m = await loadModelArtifacts(s3.store, version);
    return { Q: m.Q, P: m.P?.kind === 'whole' ? m.P.data : undefined };
  };

  let cleanVersion: string;

  it('a clean run publishes a model', async () => {
    const { output, retries } = await runDistributed(s3.store, invoke, INPUT);
    cleanVersion = (output as { version: string }).version;
    expect(await readLatest(s3.store)).toBe(cleanVersion);
    expect(retries).toEqual({});
  }, 60_000);

  it('retries a child that dies once (before its write, or after it) and gets the very same model', async () => {
    const died = new Set<string>();
    const flaky: Invoke = async (event, state) => {
      const e = event as StepEvent;
      const id = `${e.side}-${e.block}-${e.iteration}`;
      if (state === 'SolveItemBlock' && e.block === 1 && e.iteration === 2 && !died.has(id)) {
        died.add(id);
        throw new Error('child killed before writing its block');
      }
      const out = await invoke(event, state);
      if (state === 'SolveUserBlock' && e.block === 2 && e.iteration === 2 && !died.has(id)) {
        died.add(id);
        throw new Error('child killed after writing its block');
      }
      return out;
    };
    const { output, retries } = await runDistributed(s3.store, flaky, INPUT);
    expect(retries).toEqual({ SolveItemBlock: 1, SolveUserBlock: 1 });
    const version = (output as { version: string }).version;
    expect(await readLatest(s3.store)).toBe(version);
    const [clean, retried] = [await factorsOf(cleanVersion), await factorsOf(version)];
    expect(retried.Q).toEqual(clean.Q);
    expect(retried.P).toEqual(clean.P);
  }, 60_000);

  it('a run that stops half-way leaves the live model live and no new version, complete or not', async () => {
    const live = await readLatest(s3.store);
    const before = (await s3.store.list(MODELS_PREFIX)).sort();
    let reduces = 0;
    const stopping: Invoke = async (event, state) => {
      const e = event as StepEvent;
      if (state === 'ReduceUsers' && e.iteration === 2) {
        reduces++;
        throw new Error('the run is stopped here');
      }
      return invoke(event, state);
    };
    await expect(runDistributed(s3.store, stopping, INPUT)).rejects.toThrow();
    // The definition's retries ran out first (1 attempt + 2 retries).
    expect(reduces).toBe(3);
    expect(await readLatest(s3.store)).toBe(live);
    expect((await s3.store.list(MODELS_PREFIX)).sort()).toEqual(before);
    expect((await listVersions(s3.store)).every((v) => v.complete)).toBe(true);
  }, 60_000);

  it('a run stopped (StopExecution) in the middle of an iteration starts no further step and publishes nothing', async () => {
    const live = await readLatest(s3.store);
    const before = (await s3.store.list(MODELS_PREFIX)).sort();
    const stop = new AbortController();
    const calls: string[] = [];
    const watched: Invoke = async (event, state) => {
      const e = event as StepEvent;
      calls.push(`${state}:${e.iteration ?? ''}`);
      if (state === 'SolveUserBlock' && e.iteration === 2) stop.abort();
      return invoke(event, state);
    };
    await expect(runDistributed(s3.store, watched, INPUT, stop.signal)).rejects.toThrow(/abort/i);
    await new Promise((r) => setTimeout(r, 500)); // children already running may finish; nothing else may start
    expect(calls).not.toContain('ReduceUsers:2');
    expect(calls).not.toContain('Finish:');
    expect(await readLatest(s3.store)).toBe(live);
    expect((await s3.store.list(MODELS_PREFIX)).sort()).toEqual(before);
  }, 60_000);
});
