/**
 * The train Lambda: event -> training config -> runTraining -> publishModel.
 *
 * The event is either an EventBridge scheduled event (its `detail`, usually empty, may
 * override fields) or a training config itself (`sls invoke -p events/...json`). Either
 * way it is laid over the env defaults: TRAIN_SOURCE, TRAIN_MODEL, TRAIN_PARAMS (JSON),
 * TRAIN_SEED, TRAIN_THREADS. Training stops at the Lambda's remaining time minus
 * TRAIN_PUBLISH_MARGIN_SECONDS (default 120) so evaluating and publishing still fit.
 * Anything wrong (bad event, unknown data set, unreadable object, too many bad lines)
 * fails the invocation with one clear logged message, and nothing is published.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { publishModel, toPublishInput } from '../lib/artifacts/publish';
import { parseTrainConfig, type TrainConfig } from '../lib/pipeline/config';
import { runTraining } from '../lib/pipeline/train-pipeline';
import { ObjectStore } from '../lib/storage/object-store';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'movie-reco' });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MovieReco' });

export interface TrainSummary {
  version: string;
  model: string;
  dataset: { name: string; nUsers: number; nItems: number; nRatings: number };
  metrics: Record<string, number>;
  epochs: number;
  stoppedBy?: string;
  seconds: number;
}

/** The settings the handler reads from its environment (serverless.yml sets them). */
function envDefaults(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  if (env.TRAIN_SOURCE) defaults.source = env.TRAIN_SOURCE;
  if (env.TRAIN_MODEL) defaults.model = env.TRAIN_MODEL;
  if (env.TRAIN_PARAMS) {
    try {
      defaults.params = JSON.parse(env.TRAIN_PARAMS) as unknown;
    } catch {
      throw new Error(`TRAIN_PARAMS is not JSON: ${env.TRAIN_PARAMS}`);
    }
  }
  if (env.TRAIN_SEED) defaults.seed = Number(env.TRAIN_SEED);
  if (env.TRAIN_THREADS) defaults.threads = Number(env.TRAIN_THREADS);
  return defaults;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The training config an event asks for, over the env defaults; throws a readable error. */
export function configFromEvent(event: unknown, env: NodeJS.ProcessEnv = process.env): TrainConfig {
  if (event !== undefined && event !== null && !isObject(event)) {
    throw new Error(`the train event must be a JSON object, got ${Array.isArray(event) ? 'an array' : typeof event}`);
  }
  const scheduled = isObject(event) && (event['detail-type'] === 'Scheduled Event' || event.source === 'aws.events');
  const overrides = scheduled ? (isObject(event.detail) ? event.detail : {}) : (event ?? {});
  return parseTrainConfig({ ...envDefaults(env), ...overrides });
}

function marginMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.TRAIN_PUBLISH_MARGIN_SECONDS ?? 120);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 120_000;
}

async function train(event: unknown, context: Context): Promise<TrainSummary> {
  const started = Date.now();
  const bucket = process.env.MODEL_BUCKET;
  if (!bucket) throw new Error('MODEL_BUCKET is not set');

  let config: TrainConfig;
  try {
    config = configFromEvent(event);
  } catch (err) {
    logger.error('rejected train event', { error: (err as Error).message });
    metrics.addMetric('training_failures', MetricUnit.Count, 1);
    throw err;
  }
  const remaining = context.getRemainingTimeInMillis?.() ?? 900_000;
  // Past already (a short timeout)? Then training stops after its first epoch and still publishes.
  const deadline = started + Math.max(0, remaining - marginMs(process.env));
  config = { ...config, deadline: Math.min(config.deadline ?? Infinity, deadline) };
  logger.info('training', { source: config.source, model: config.model, params: config.params, deadline: new Date(deadline).toISOString() });

  const store = new ObjectStore(bucket);
  try {
    const run = await runTraining(config, {
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
    throw err;
  }
}

export const handler = middy(train)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
