/**
 * The distributed engine on this machine: `npm run -s bench -- distributed [--users N]
 *   [--movies N] [--per-user N] [--dim 32] [--epochs 3] [--shards 32] [--concurrency 2]
 *   [--children process|inline] [--compare] [--json]`
 * Runs the state machine's definition (scripts/support/distributed-local.ts) on a planted
 * synthetic set against s3rver in a process of its own. With `--children process` (the
 * default) every solve step runs in a fresh process, as a Lambda child would, measured
 * from outside (peak RSS: VmHWM), and reports its seconds and bytes read and written;
 * prepare, reduce and finish run in this process. Prints per iteration the wall time and
 * the bytes the solve steps read and wrote, per child its peak RSS and seconds (median,
 * max), and with --compare the same training in one process with the same seed and
 * the two runs' NDCG@10 and recall@10.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTraining } from '../../lib/pipeline/train-pipeline';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';
import { handlerEnv, invokeTrainHandler, runDistributedLocally } from '../support/distributed-local';
import { BenchError, benchCommand, positiveInt } from './support/cli';
import { runFailure, runMeasured } from './support/measured-child';
import { startS3rverChild } from './support/s3rver-child';
import { median, round } from './support/stats';

interface Options {
  users: number;
  movies: number;
  perUser: number;
  dim: number;
  epochs: number;
  shards: number;
  concurrency: number;
  children: string;
  compare?: boolean;
  json?: boolean;
}

interface ChildFigures {
  state: string;
  iteration: number;
  seconds: number;
  bytesRead: number;
  bytesWritten: number;
  peakRssMB: number | undefined;
}

const mb = (bytes: number) => round(bytes / 1e6, 1);

export function parseDistributedArgs(argv: string[]): Options {
  const o = benchCommand('distributed')
    .option('--users <n>', 'users', positiveInt, 20_000)
    .option('--movies <n>', 'movies', positiveInt, 2000)
    .option('--per-user <n>', 'ratings per user', positiveInt, 25)
    .option('--dim <n>', 'factors', positiveInt, 32)
    .option('--epochs <n>', 'iterations', positiveInt, 3)
    .option('--shards <n>', 'blocks per side', positiveInt, 32)
    .option('--concurrency <n>', 'Map children at once', positiveInt, 2)
    .option('--children <how>', 'process (a process per solve step, measured) | inline', 'process')
    .option('--compare', 'also train in one process and compare NDCG@10 and recall@10')
    .option('--json', 'print JSON only')
    .parse(argv, { from: 'user' })
    .opts<Options>();
  if (o.children !== 'process' && o.children !== 'inline') throw new BenchError(`--children must be process or inline, got ${o.children}`);
  return o;
}

export async function main(argv: string[]): Promise<void> {
  const o = parseDistributedArgs(argv);

  const config = {
    source: `synthetic:users=${o.users},movies=${o.movies},perUser=${o.perUser},dim=2,taste=2,seed=11`,
    model: 'ials',
    params: { dim: o.dim, epochs: o.epochs },
    seed: 5,
    threads: 1,
  };
  const dir = await mkdtemp(join(tmpdir(), 'bench-distributed-'));
  const s3 = await startS3rverChild(dir);
  const bucket = 'bench-distributed';
  const client = createS3Client({ endpoint: s3.endpoint });
  const store = new ObjectStore(bucket, client);
  try {
    await store.ensureBucket();
    handlerEnv({ bucket, endpoint: s3.endpoint }, 1);
    const children: ChildFigures[] = [];
    const inChild = async (event: unknown, state: string): Promise<unknown> => {
      const run = await runMeasured(process.execPath, ['--import', 'tsx', resolve('scripts/bench/support/distributed-child.ts')], {
        ...process.env,
        BENCH_STEP_EVENT: JSON.stringify(event),
      });
      const failure = runFailure(state, run);
      if (failure) throw new Error(failure);
      const line = JSON.parse(run.stdout.at(-1)!.text) as { result: unknown; seconds: number; bytesRead: number; bytesWritten: number };
      children.push({ state, iteration: (event as { iteration: number }).iteration, seconds: line.seconds, bytesRead: line.bytesRead, bytesWritten: line.bytesWritten, peakRssMB: run.peakRssMB });
      return line.result;
    };
    const started = performance.now();
    const iterationSeconds: number[] = [];
    let prepareSeconds = 0;
    const { output } = await runDistributedLocally(
      store,
      { config, shards: o.shards, maxConcurrency: o.concurrency },
      {
        invoke: (event, state) => (o.children === 'process' && state.startsWith('Solve') ? inChild(event, state) : invokeTrainHandler(event)),
        onPhase: (phase, seconds) => (phase === 'prepare' ? (prepareSeconds = seconds) : void iterationSeconds.push(seconds)),
      },
    );
    const totalSeconds = (performance.now() - started) / 1000;
    const metrics = (output as { metrics: Record<string, number> }).metrics;
    const perIteration = iterationSeconds.map((seconds, k) => {
      const mine = children.filter((c) => c.iteration === k + 1);
      return { iteration: k + 1, seconds: round(seconds), readMB: mb(mine.reduce((s, c) => s + c.bytesRead, 0)), writtenMB: mb(mine.reduce((s, c) => s + c.bytesWritten, 0)) };
    });
    const side = (state: string) => {
      const mine = children.filter((c) => c.state === state);
      const rss = mine.map((c) => c.peakRssMB ?? NaN);
      return mine.length === 0
        ? undefined
        : { children: mine.length, secondsMedian: round(median(mine.map((c) => c.seconds))), secondsMax: round(Math.max(...mine.map((c) => c.seconds))), peakRssMBMedian: median(rss), peakRssMBMax: Math.max(...rss), readMBMedian: mb(median(mine.map((c) => c.bytesRead))) };
    };
    let single: Record<string, number> | undefined;
    if (o.compare) single = (await runTraining({ ...config, model: 'ials' })).metrics;
    const result = {
      ratings: o.users * o.perUser,
      users: o.users,
      movies: o.movies,
      dim: o.dim,
      epochs: o.epochs,
      shards: o.shards,
      concurrency: o.concurrency,
      children: o.children,
      prepareSeconds: round(prepareSeconds),
      perIteration,
      itemChild: side('SolveItemBlock'),
      userChild: side('SolveUserBlock'),
      totalSeconds: round(totalSeconds),
      distributed: { ndcg10: metrics['validation_ndcg@10'], recall10: metrics['validation_recall@10'] },
      ...(single ? { single: { ndcg10: single['validation_ndcg@10'], recall10: single['validation_recall@10'] } } : {}),
    };
    if (o.json) console.log(JSON.stringify(result));
    else {
      console.log(`${result.ratings} ratings (${o.users} users x ${o.movies} movies), dim ${o.dim}, ${o.shards} shards a side, ${o.concurrency} children at once (${o.children})`);
      console.log(`prepare ${result.prepareSeconds}s; total ${result.totalSeconds}s`);
      for (const p of perIteration) console.log(`iteration ${p.iteration}: ${p.seconds}s, solve steps read ${p.readMB} MB, wrote ${p.writtenMB} MB`);
      for (const [name, s] of [['item child', result.itemChild], ['user child', result.userChild]] as const) {
        if (s) console.log(`${name}: ${s.secondsMedian}s median (${s.secondsMax}s max), peak RSS ${s.peakRssMBMedian} MB median (${s.peakRssMBMax} MB max), reads ${s.readMBMedian} MB`);
      }
      console.log(`distributed NDCG@10 ${result.distributed.ndcg10?.toFixed(4)} recall@10 ${result.distributed.recall10?.toFixed(4)}`);
      if (result.single) console.log(`one process NDCG@10 ${result.single.ndcg10?.toFixed(4)} recall@10 ${result.single.recall10?.toFixed(4)}`);
    }
  } finally {
    client.destroy();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}
