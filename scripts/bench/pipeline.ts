/**
 * The train function end to end, as its container runs it: `npm run -s bench -- pipeline
 *   [--event events/synthetic-30m.json] [--runs 3] [--threads 2] [--json]`
 * Bundles functions/train.ts exactly as the Dockerfile does (scripts/build/bundle-train.mjs),
 * starts s3rver in a process of its own, and per run invokes the bundle's handler in a fresh
 * Node process (test/infra/invoke-bundle.mjs: import train.mjs, call `handler` with the event
 * and a Lambda-like context), measured from outside: wall seconds from spawn to exit, the
 * handler's own seconds, and peak RSS (VmHWM of that process; the kernel worker threads share
 * it). Generate, split, fit, evaluate and publish (read-back and LATEST included) all count.
 * Prints each run and the medians.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';
import { BenchError, benchCommand, positiveInt } from './support/cli';
import { runFailure, runMeasured } from './support/measured-child';
import { startS3rverChild } from './support/s3rver-child';
import { median, round } from './support/stats';

const BUCKET = 'movie-reco-bench';

interface PipelineRun {
  seconds: number;
  handlerSeconds: number;
  peakRssMB: number | undefined;
  epochs: number;
  stoppedBy?: string;
}

export async function main(argv: string[]): Promise<void> {
  const o = benchCommand('pipeline')
    .option('--event <file>', 'the train event', 'events/synthetic-30m.json')
    .option('--runs <n>', 'runs (medians reported)', positiveInt, 3)
    .option('--threads <n>', 'TRAIN_THREADS of the function', positiveInt, 2)
    .option('--json', 'print JSON only')
    .parse(argv, { from: 'user' })
    .opts<{ event: string; runs: number; threads: number; json?: boolean }>();
  const say = (m: string) => void (o.json ? process.stderr.write(`${m}\n`) : console.log(m));
  const event = JSON.parse(await readFile(o.event, 'utf8')) as Record<string, unknown>;

  const work = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
  const s3 = await startS3rverChild(join(work, 's3'));
  try {
    const bundle = join(work, 'bundle');
    await promisify(execFile)(process.execPath, ['scripts/build/bundle-train.mjs', bundle]);
    await new ObjectStore(BUCKET, createS3Client({ endpoint: s3.endpoint })).ensureBucket();
    const runs: PipelineRun[] = [];
    for (let r = 0; r < o.runs; r++) {
      const started = performance.now();
      const child = await runMeasured(process.execPath, [resolve('test/infra/invoke-bundle.mjs'), bundle, resolve(o.event)], {
        ...process.env,
        S3_ENDPOINT: s3.endpoint,
        MODEL_BUCKET: BUCKET,
        TRAIN_THREADS: String(o.threads),
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'WARN',
      });
      const seconds = (performance.now() - started) / 1000;
      const failed = runFailure('the train function', child);
      if (failed) throw new BenchError(failed);
      const line = child.stdout.find((l) => l.text.startsWith('RESULT '));
      if (!line) throw new BenchError('the train function printed no RESULT line');
      const result = JSON.parse(line.text.slice(7)) as { seconds: number; epochs: number; stoppedBy?: string };
      const run: PipelineRun = { seconds: round(seconds, 2), handlerSeconds: round(result.seconds, 2), peakRssMB: child.peakRssMB, epochs: result.epochs, ...(result.stoppedBy ? { stoppedBy: result.stoppedBy } : {}) };
      runs.push(run);
      say(`run ${r + 1}: ${run.seconds} s (handler ${run.handlerSeconds} s), peak RSS ${run.peakRssMB ?? '?'} MB, ${run.epochs} epochs${run.stoppedBy ? ` (${run.stoppedBy})` : ''}`);
    }
    const rss = runs.map((r) => r.peakRssMB).filter((x): x is number => x !== undefined);
    const summary = {
      event: o.event,
      source: event.source,
      model: event.model,
      threads: o.threads,
      runs,
      medianSeconds: round(median(runs.map((r) => r.seconds)), 2),
      medianHandlerSeconds: round(median(runs.map((r) => r.handlerSeconds)), 2),
      medianPeakRssMB: rss.length ? median(rss) : undefined,
      node: process.version,
    };
    if (o.json) console.log(JSON.stringify(summary));
    else say(`median: ${summary.medianSeconds} s (handler ${summary.medianHandlerSeconds} s), peak RSS ${summary.medianPeakRssMB ?? '?'} MB`);
  } finally {
    await s3.close();
    await rm(work, { recursive: true, force: true });
  }
}
