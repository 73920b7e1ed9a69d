/**
 * The train Lambda: event -> training config (lib/pipeline/train-event.ts) ->
 * runTraining -> publishModel. Training stops at the Lambda's remaining time minus
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
import { publishModel } from '../lib/artifacts/publish';
import type { TrainConfig } from '../lib/pipeline/config';
import { toPublishInput } from '../lib/pipeline/publish-input';
import { checkSourceAllowed, configFromEvent, invocationDeadline, publicTrainingError } from '../lib/pipeline/train-event';
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

async function train(event: unknown, context: Context): Promise<TrainSummary> {
  const started = Date.now();
  const bucket = process.env.MODEL_BUCKET;
  if (!bucket) throw new Error('MODEL_BUCKET is not set');

  let config: TrainConfig;
  let deadline: number;
  try {
    config = configFromEvent(event);
    checkSourceAllowed(config);
    deadline = invocationDeadline(config, started, context.getRemainingTimeInMillis?.() ?? 900_000);
  } catch (err) {
    logger.error('rejected train event', { error: (err as Error).message });
    metrics.addMetric('training_failures', MetricUnit.Count, 1);
    throw err;
  }
  config = { ...config, deadline };
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
    throw publicTrainingError(err, config.source);
  }
}

export const handler = middy(train)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
