import type { Context } from 'aws-lambda';
import type { ObjectStore } from '../../lib/storage/object-store';
import { runLocalStateMachine, type LocalRunResult } from '../../lib/distributed/local-run';

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'movie-reco-test-train',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:movie-reco-test-train',
    memoryLimitInMB: '1024',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/movie-reco-test-train',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 900_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Sets the env the train handler reads (local S3, bucket, one thread, quiet) and imports it. */
export async function trainHandler(endpoint: string, bucket: string) {
  Object.assign(process.env, {
    S3_ENDPOINT: endpoint,
    MODEL_BUCKET: bucket,
    TRAIN_THREADS: '1',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_DEV: 'false',
  });
  const { handler } = await import('../../functions/train');
  return (event: unknown) => handler(event, lambdaContext());
}

export type Invoke = (event: unknown, state: string) => Promise<unknown>;

/** The state machine run locally with every Task bound to `invoke`. */
export const runDistributed = (store: ObjectStore, invoke: Invoke, input: unknown, signal?: AbortSignal): Promise<LocalRunResult> =>
  runLocalStateMachine(input, { invoke, store, ...(signal ? { signal } : {}) });
