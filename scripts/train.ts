/**
 * `npm run train -- [flags]`: load -> split 80/10/10 -> train -> evaluate [-> publish].
 * The PoC's flags keep their meaning (-p -e -b -s -d -r -l -m -i -M -S); see --help.
 */
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { publishModel, requireModelBucket } from '../lib/artifacts/publish';
import type { Progress } from '../lib/models/contract';
import { getModel, MODEL_KINDS } from '../lib/models/registry';
import { parseTrainConfig, type TrainConfigInput } from '../lib/pipeline/config';
import { toPublishInput } from '../lib/pipeline/publish-input';
import { paramsFromFlags, type FlagParam } from '../lib/pipeline/cli-params';
import { formatFromFlags, type FormatFlags } from '../lib/pipeline/format-flags';
import { describeData, describeMetrics, predictionTable, PROGRESS_HEADER, progressLine } from '../lib/pipeline/report';
import { runRefresh } from '../lib/pipeline/refresh';
import { runTraining, type TrainingRun } from '../lib/pipeline/train-pipeline';
import { createS3Client, s3SettingsFromEnv } from '../lib/storage/s3-client';
import { storeSettingsFromEnv } from './local-stack';
import { ObjectStore } from '../lib/storage/object-store';
import { distributedParams } from '../lib/distributed/prepare';
import { MAX_SHARDS } from '../lib/distributed/run-layout';
import type { FinishResult } from '../lib/distributed/steps';
import { handlerEnv, runDistributedLocally } from './support/distributed-local';

const number = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`not a number: ${v}`);
  return n;
};
const withDefined = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

const integer = (v: string) => {
  const n = number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`not an integer: ${v}`);
  return n;
};
/** A count a flag sets: 0 would silently mean "the default" to the model, so it is refused here. */
const positive = (v: string) => {
  const n = integer(v);
  if (n < 1) throw new InvalidArgumentError(`must be at least 1, got ${v} (leave the flag out for the default)`);
  return n;
};

/** The CLI's flags: the PoC's, ours, and the data format's (format-flags.ts). */
interface Flags extends FormatFlags {
  path?: string;
  example?: string;
  dataset?: string;
  batch?: number;
  steps?: number;
  dimension?: number;
  regulariser?: number;
  learningRate?: number;
  momentum?: number;
  info?: boolean;
  model: string;
  size?: string;
  epochs?: number;
  optimizer?: string;
  threads?: number;
  seed?: number;
  deadlineMs?: number;
  publish?: boolean;
  json?: boolean;
  items?: string;
  refresh?: boolean;
  events: boolean;
  distributed?: boolean;
  shards?: number;
  maxConcurrency?: number;
  evalUsers?: number;
}

const program = new Command('train')
  .description('Train a recommender: load, split 80/10/10, fit, evaluate, optionally publish to S3.')
  .option('-p, --path <path>', 'ratings file or MovieLens folder')
  .option('-e, --example <n>', 'MovieLens example by download: 1 (1M), 10 (10M), 20 (20M)')
  .option('--dataset <source>', 'any data source: ml-100k, s3://bucket/key, synthetic:users=...,movies=...,perUser=...')
  .option('-b, --batch <n>', 'minibatch size (selects the momentum optimizer)', positive)
  .option('-s, --steps <n>', 'minibatch steps (selects the momentum optimizer)', positive)
  .option('-d, --dimension <n>', 'latent factors', positive)
  .option('-r, --regulariser <x>', 'L2 regularisation of the factors', number)
  .option('-l, --learning-rate <x>', 'learning rate', number)
  .option('-m, --momentum <x>', 'momentum (selects the momentum optimizer)', number)
  .option('-i, --info', 'print the training table and a prediction sample')
  .option('-M, --model <kind>', `model: ${MODEL_KINDS.join('|')}`, 'svd')
  .option('-S, --size <rule>', 'NSVD size rule: max|mean|min')
  .option('--epochs <n>', 'epochs', positive)
  .option('--optimizer <name>', 'svd optimizer: sgd (per-rating, default) | momentum (the PoC minibatch)')
  .option('--threads <n>', 'worker threads (default: all cores)', integer)
  .option('--seed <n>', 'random seed', integer)
  .option('--deadline-ms <n>', 'stop training after this many ms, keeping the best model', integer)
  .option('--publish', 'publish the model: to the local stack by default, else env MODEL_BUCKET at S3_ENDPOINT (empty: AWS S3)')
  .option('--json', 'print the data report and the metrics as one JSON object')
  .option('--refresh', 'no training: re-solve the users with new events (POST /events) against the live model and publish (MODEL_BUCKET at S3_ENDPOINT, as --publish)')
  .option('--no-events', 'with --publish: do not merge the posted events (events/ in the bucket) into the data')
  .option('--distributed', 'train iALS with the distributed engine: the Step Functions state machine run locally, publishing like --publish')
  .option('--shards <n>', 'with --distributed: blocks per side (default 8)', positive)
  .option('--max-concurrency <n>', 'with --distributed: Map children at once (default 2: in this process they share its cores and memory)', positive)
  .option('--eval-users <n>', 'with --distributed: evaluate on a seeded sample of this many validation users (default: all)', positive)
  .option('--items <file>', 'your own catalogue for -p/--dataset: a file with a header naming id, title, genres (| or ; separated), year')
  .option('--columns <roles>', "each column's role: user,item,rating,timestamp,event, '-' skips one (e.g. user,item,-,-,rating,timestamp)")
  .option('--separator <sep>', "field separator: , tab ; | :: or space (default: detected)")
  .option('--header', 'the first line names the columns')
  .option('--no-header', 'the first line is data')
  .option('--scale <min:max>', 'accepted rating range, e.g. 1:5 (lines outside it are bad lines)')
  .option('--duplicates <policy>', 'repeated (user, item) pairs: last (default: latest timestamp, else last line) | first | mean | max | error')
  .option('--ids <kind>', 'id columns: string (any text ids) | int (default: from the first lines)')
  .option('--event-weights <list>', 'implicit event weights, e.g. view=1,cart=3,purchase=5')
  .showHelpAfterError();


async function main(): Promise<void> {
  const o = program.parse().opts<Flags>();
  if (o.refresh) return refresh(o);
  const sources = [o.path, o.example, o.dataset].filter((s) => s !== undefined);
  if (sources.length > 1) throw new Error('give at most one of -p, -e and --dataset');
  if (o.example !== undefined && !['1', '10', '20'].includes(o.example)) {
    throw new Error(`-e must be 1, 10 or 20 (MovieLens 1M, 10M, 20M), got ${o.example}`);
  }
  if (!o.distributed && (o.shards !== undefined || o.maxConcurrency !== undefined || o.evalUsers !== undefined)) {
    throw new Error('--shards, --max-concurrency and --eval-users go with --distributed');
  }
  if (o.distributed) {
    // The distributed engine runs iALS: it is the model unless another one was asked for.
    if (program.getOptionValueSource('model') === 'default') o.model = 'ials';
    if (o.model !== 'ials') throw new Error(`--distributed trains iALS only, not ${o.model}`);
    if (o.deadlineMs !== undefined) throw new Error('--deadline-ms does not go with --distributed (its steps have no time limit)');
    if ((o.shards ?? 0) > MAX_SHARDS) throw new Error(`--shards must be at most ${MAX_SHARDS}, got ${o.shards}`);
  }
  getModel(o.model);
  const given: FlagParam[] = [];
  const set = (flag: string, param: string, value: unknown) => value !== undefined && given.push({ flag, param, value });
  set('-d', 'dim', o.dimension);
  set('-r', 'reg', o.regulariser);
  set('-l', 'lr', o.learningRate);
  set('-m', 'momentum', o.momentum);
  set('-b', 'batch', o.batch);
  set('-s', 'steps', o.steps);
  set('-S', 'size', o.size);
  set('--epochs', 'epochs', o.epochs);
  set('--optimizer', 'optimizer', o.optimizer);
  const params = paramsFromFlags(o.model, given);
  const input: TrainConfigInput = {
    model: o.model as TrainConfigInput['model'],
    params,
    ...(sources[0] !== undefined ? { source: sources[0] } : {}),
    ...withDefined('format', formatFromFlags(o)),
    ...withDefined('items', o.items),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.deadlineMs !== undefined ? { deadlineMs: o.deadlineMs } : {}),
    events: o.events,
  };
  const config = parseTrainConfig(input);
  if (o.distributed) {
    distributedParams(config);
    return trainDistributed(input, o);
  }

  const resolved = getModel(config.model).training.resolve(config.params) as Record<string, unknown>;
  const totalEpochs = typeof resolved.epochs === 'number' ? resolved.epochs : 0;
  // The PoC's minibatch optimizer counts steps, not epochs.
  const stepOf = (p: Progress) => (resolved.optimizer === 'momentum' ? p.step : p.epoch);
  const bars = process.stderr.isTTY
    ? new cliProgress.MultiBar({ format: ' {bar} {value}/{total} epochs | test {test}', hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  const bar = bars?.create(totalEpochs || 1, 0, { test: '-' });
  const print = (line: string) => (bars ? bars.log(`${line}\n`) : console.log(line));

  let headerShown = false;
  const store = o.publish ? publishStore() : undefined;
  if (store) await requireModelBucket(store);
  const started = Date.now();
  const run = await runTraining(config, {
    ...(store ? { eventsStore: store } : {}),
    onProgress: (p) => {
      if (o.info && !headerShown) {
        print(PROGRESS_HEADER);
        headerShown = true;
      }
      if (o.info) print(progressLine(p, stepOf));
      bar?.update(p.epoch, { test: Number.isFinite(p.testError) ? p.testError.toFixed(4) : '-' });
    },
    onLoaded: (report) => {
      if (!o.json) for (const line of describeData(report)) print(line);
    },
  }).finally(() => bars?.stop());

  const m = run.metrics;
  if (o.json) {
    const { data, metrics, timings, params } = run;
    console.log(JSON.stringify({ model: config.model, data, params, metrics, timings, epochs: run.fit.curve.at(-1)?.epoch ?? 0, stoppedBy: run.fit.stoppedBy }));
    if (store) await publish(store, run, console.error);
    return;
  }
  console.log(`duration: ${((Date.now() - started) / 1000).toFixed(2)}s (fit ${run.timings.fit}s)${run.fit.stoppedBy ? `, stopped by ${run.fit.stoppedBy}` : ''}`);
  for (const line of describeMetrics(m)) console.log(line);
  if (o.info && run.validation.size > 0) for (const line of predictionTable(run.fit.factors, run.train, run.validation)) console.log(line);
  if (store) await publish(store, run, console.log);
}

/**
 * Publishes the run to MODEL_BUCKET at S3_ENDPOINT (defaults: npm start's local stack;
 * S3_ENDPOINT= (empty) for real AWS S3) and says where (on stderr when stdout holds the JSON report).
 */
async function publish(store: ObjectStore, run: TrainingRun, say: (line: string) => void): Promise<void> {
  const manifest = await publishModel(store, toPublishInput(run));
  say(`published model ${manifest.version} to s3://${store.bucket}/models/${manifest.version}/`);
}

const LOCAL_SETTLE_MS = 2000;

/** `--refresh`: the live model's users with new events re-solved and published (or why not). */
async function refresh(o: Flags): Promise<void> {
  const store = publishStore();
  await requireModelBucket(store);
  const duplicates = o.duplicates as 'last' | 'first' | 'mean' | 'max' | undefined;
  const weights = formatFromFlags(o)?.eventWeights;
  // Locally a 202 means the object is written; the deployed schedule leaves EVENTS_SETTLE_MS for PUTs still in flight.
  const until = Date.now() - LOCAL_SETTLE_MS;
  const result = await runRefresh(store, { ...(duplicates ? { duplicates } : {}), ...(weights ? { eventWeights: weights } : {}) }, { until });
  if (o.json) console.log(JSON.stringify(result));
  else if (result.published) console.log(`refreshed ${result.from} -> ${result.version}: ${result.events} events, ${result.users} users re-solved (${result.newUsers} new)`);
  else console.log(`refresh: nothing published (${result.reason})`);
  for (const example of result.examples) console.error(`  skipped ${example}`);
}

/**
 * The distributed engine on this machine (scripts/support/distributed-local.ts): the
 * state machine's definition, each Task the train handler in this process, publishing to
 * MODEL_BUCKET at S3_ENDPOINT as --publish does.
 */
async function trainDistributed(input: TrainConfigInput, o: Flags): Promise<void> {
  const settings = storeSettingsFromEnv();
  const store = publishStore();
  await requireModelBucket(store);
  handlerEnv(settings, input.threads ?? 1);
  const shards = o.shards ?? 8;
  const started = Date.now();
  const iterations: number[] = [];
  const say = o.json ? console.error : console.log;
  const { output } = await runDistributedLocally(
    store,
    { config: input as Record<string, unknown>, shards, maxConcurrency: o.maxConcurrency ?? Math.min(2, shards), ...(o.evalUsers !== undefined ? { evalUsers: o.evalUsers } : {}) },
    {
      onPhase: (phase, seconds) => {
        if (phase === 'prepare') return say(`prepared ${shards} shards a side in ${seconds.toFixed(2)}s`);
        iterations.push(seconds);
        say(`iteration ${iterations.length}: ${seconds.toFixed(2)}s`);
      },
    },
  );
  const { version, metrics, events } = output as FinishResult;
  const seconds = (Date.now() - started) / 1000;
  if (o.json) {
    console.log(JSON.stringify({ engine: 'distributed', model: 'ials', shards, version, metrics, events, seconds, iterationSeconds: iterations }));
  } else {
    console.log(`duration: ${seconds.toFixed(2)}s, ${events.merged} posted events merged`);
    for (const line of describeMetrics(metrics)) console.log(line);
  }
  say(`published model ${version} to s3://${store.bucket}/models/${version}/`);
}

/** MODEL_BUCKET at S3_ENDPOINT (defaults: npm start's local stack). */
function publishStore(): ObjectStore {
  const { bucket, endpoint } = storeSettingsFromEnv();
  return new ObjectStore(bucket, createS3Client({ ...s3SettingsFromEnv(), ...(endpoint ? { endpoint } : {}) }));
}

main().catch((err: unknown) => {
  console.error(`train: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
