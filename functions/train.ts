/**
 * The train Lambda: event -> job (lib/pipeline/train-event.ts). Training: config ->
 * runTraining -> publishModel. Training stops at the Lambda's remaining time minus
 * TRAIN_PUBLISH_MARGIN_SECONDS (default 120) so evaluating and publishing still fit.
 * Anything wrong (bad event, unknown data set, unreadable object, too many bad lines)
 * fails the invocation with one clear logged message, and nothing is published.
 * `{"mode": "batch", ...}`: the top-N of every user of the live model to S3 (lib/batch/).
 * `{"mode": "refresh"}` (scheduled every 15 minutes): the users with new events re-solved
 * against the live model's fixed items, published as a new version (lib/pipeline/refresh.ts).
 * `{"mode": "distributed-...", ...}`: one step of the distributed iALS state machine
 * (lib/distributed/steps.ts), which invokes this function for every Task.
 * Training first chooses its engine (TRAIN_ENGINE, default auto: by the source's size,
 * lib/distributed/route-training.ts): past one function's size it starts the state machine
 * with the same training fields and returns what it started, training nothing itself.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { publishModel, requireModelBucket } from '../lib/artifacts/publish';
import { BATCH_MANIFEST_FILE } from '../lib/batch/batch-manifest';
import { outUrl } from '../lib/batch/out-location';
import type { BatchRequest } from '../lib/batch/request';
import { runBatch } from '../lib/batch/run-batch';
import type { TrainConfig } from '../lib/pipeline/config';
import { toPublishInput } from '../lib/pipeline/publish-input';
import { checkSourceAllowed, invocationDeadline, parseTrainEvent, publicTrainingError, type TrainEvent } from '../lib/pipeline/train-event';
import { runRefresh, type RefreshRequest, type RefreshResult } from '../lib/pipeline/refresh';
import { runTraining } from '../lib/pipeline/train-pipeline';
import { ObjectStore } from '../lib/storage/object-store';
import { isDistributedStep, parseStepEvent, prepareConfig, runStep, type StepResult } from '../lib/distributed/steps';
import { routeTraining, type DistributedStarted } from '../lib/distributed/route-training';
import { defaultThreads } from '../lib/pipeline/config';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'movie-reco' });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MovieReco' });

export interface TrainSummary {
  mode: 'train';
  version: string;
  model: string;
  dataset: { name: string; nUsers: number; nItems: number; nRatings: number };
  metrics: Record<string, number>;
  epochs: number;
  stoppedBy?: string;
  seconds: number;
}

export interface BatchSummary {
  mode: 'batch';
  version: string;
  manifest: string;
  users: number;
  parts: number;
  bytes: number;
  seconds: number;
}

/** What a batch export leaves of the invocation's time for its last part and the manifest. */
const BATCH_MARGIN_MS = 15_000;

function modelBucket(): string {
  const bucket = process.env.MODEL_BUCKET;
  if (!bucket) throw new Error('MODEL_BUCKET is not set');
  return bucket;
}

function rejected(err: unknown): never {
  logger.error('rejected train event', { error: (err as Error).message });
  metrics.addMetric('training_failures', MetricUnit.Count, 1);
  throw err;
}

export type RefreshSummary = { mode: 'refresh'; seconds: number } & RefreshResult;

async function handle(event: unknown, context: Context): Promise<TrainSummary | DistributedStarted | BatchSummary | RefreshSummary | StepResult> {
  if (isDistributedStep(event)) return distributedStep(event);
  let job: TrainEvent;
  try {
    job = parseTrainEvent(event);
  } catch (err) {
    rejected(err);
  }
  if (job.mode === 'refresh') return refresh(job.request);
  return job.mode === 'batch' ? exportBatch(job.request, context) : train(job, context);
}

async function refresh(request: RefreshRequest): Promise<RefreshSummary> {
  const started = Date.now();
  const store = new ObjectStore(modelBucket());
  try {
    const result = await runRefresh(store, request, { log: (message, data) => logger.info(message, data ?? {}) });
    if (!result.published) logger.info('refresh published nothing', { reason: result.reason, from: result.from });
    metrics.addMetric('refresh_users', MetricUnit.Count, result.users);
    return { mode: 'refresh', ...result, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    logger.error('refresh failed, nothing published', { error: (err as Error).message, name: (err as Error).name });
    metrics.addMetric('refresh_failures', MetricUnit.Count, 1);
    throw err;
  }
}

async function exportBatch(request: BatchRequest, context: Context): Promise<BatchSummary> {
  const started = Date.now();
  const store = new ObjectStore(modelBucket());
  const out = outUrl(request.out);
  logger.info('batch export', { out, n: request.n, partUsers: request.partUsers, filter: request.filter });
  try {
    const manifest = await runBatch(request, store, {
      deadline: started + (context.getRemainingTimeInMillis?.() ?? 900_000) - BATCH_MARGIN_MS,
      onModel: (m) => logger.info('model loaded', m),
      onPart: (p) => logger.info('part written', { ...p }),
    });
    const summary: BatchSummary = {
      mode: 'batch',
      version: manifest.model.version,
      manifest: outUrl(request.out, BATCH_MANIFEST_FILE),
      users: manifest.totalUsers,
      parts: manifest.parts.length,
      bytes: manifest.totalBytes,
      seconds: (Date.now() - started) / 1000,
    };
    metrics.addMetric('batch_users', MetricUnit.Count, summary.users);
    metrics.addMetric('batch_seconds', MetricUnit.Seconds, summary.seconds);
    logger.info('batch written', { ...summary });
    return summary;
  } catch (err) {
    logger.error('batch export failed, no manifest written', { out, error: (err as Error).message, name: (err as Error).name });
    metrics.addMetric('batch_failures', MetricUnit.Count, 1);
    throw err;
  }
}

async function train(job: Extract<TrainEvent, { mode: 'train' }>, context: Context): Promise<TrainSummary | DistributedStarted> {
  const started = Date.now();
  const bucket = modelBucket();

  let config = job.config;
  let deadline: number;
  try {
    checkSourceAllowed(config);
    deadline = invocationDeadline(config, started, context.getRemainingTimeInMillis?.() ?? 900_000);
  } catch (err) {
    rejected(err);
  }
  config = { ...config, deadline };
  const store = new ObjectStore(bucket);
  try {
    const route = await routeTraining(job, { sourceContext: { store, log: (message) => logger.info(message) } });
    if (route.engine === 'distributed') {
      logger.info('started the distributed engine', { ...route });
      metrics.addMetric('distributed_runs_started', MetricUnit.Count, 1);
      return route;
    }
    logger.info('training', { source: config.source, model: config.model, params: config.params, engine: 'single', why: route.reason, deadline: new Date(deadline).toISOString() });
    await requireModelBucket(store);
    const run = await runTraining(config, {
      eventsStore: store,
      onProgress: (p) => logger.debug('epoch', { ...p }),
      log: (message, data) => logger.info(message, data ?? {}),
      // MovieLens downloads are cached in the bucket (cache/), s3:// sources read with the same client.
      sourceContext: { store, log: (message) => logger.info(message) },
    });
    if (run.loaded.bad.count > 0) {
      logger.warn('skipped bad lines', { count: run.loaded.bad.count, examples: run.loaded.bad.examples });
    }
    const manifest = await publishModel(store, toPublishInput(run), {
      log: (message, data) => logger.info(message, data ?? {}),
    });

    const seconds = (Date.now() - started) / 1000;
    for (const [name, value] of Object.entries(manifest.metrics)) metrics.addMetric(`model_${name}`, MetricUnit.NoUnit, value);
    metrics.addMetric('training_seconds', MetricUnit.Seconds, seconds);
    const summary: TrainSummary = {
      mode: 'train',
      version: manifest.version,
      model: manifest.model.kind,
      dataset: { name: manifest.dataset.name, nUsers: manifest.nUsers, nItems: manifest.nItems, nRatings: manifest.nRatings },
      metrics: manifest.metrics,
      epochs: manifest.training.epochs,
      ...(manifest.training.stoppedBy ? { stoppedBy: manifest.training.stoppedBy } : {}),
      seconds,
    };
    logger.info('published', { ...summary });
    return summary;
  } catch (err) {
    // One clear line in the logs; the invocation fails and LATEST is untouched.
    logger.error('training failed, nothing published', { error: (err as Error).message, name: (err as Error).name });
    metrics.addMetric('training_failures', MetricUnit.Count, 1);
    throw publicTrainingError(err, config.source);
  }
}

async function distributedStep(event: unknown): Promise<StepResult> {
  let step: ReturnType<typeof parseStepEvent>;
  let config: TrainConfig | undefined;
  try {
    step = parseStepEvent(event);
    if (step.mode === 'distributed-prepare') {
      config = prepareConfig(step);
      checkSourceAllowed(config);
    }
  } catch (err) {
    rejected(err);
  }
  const store = new ObjectStore(modelBucket());
  const started = Date.now();
  try {
    if (config) await requireModelBucket(store);
    const result = await runStep(store, step, {
      threads: Number(process.env.TRAIN_THREADS) || defaultThreads(),
      hooks: { log: (message, data) => logger.info(message, data ?? {}), sourceContext: { store, log: (message) => logger.info(message) } },
      ...(config ? { config } : {}),
    });
    const seconds = (Date.now() - started) / 1000;
    metrics.addMetric('distributed_step_seconds', MetricUnit.Seconds, seconds);
    logger.info('distributed step done', { mode: step.mode, seconds });
    return result;
  } catch (err) {
    logger.error('distributed step failed', { mode: step.mode, error: (err as Error).message, name: (err as Error).name });
    metrics.addMetric('training_failures', MetricUnit.Count, 1);
    throw config ? publicTrainingError(err, config.source) : err;
  }
}

export const handler = middy(handle)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
