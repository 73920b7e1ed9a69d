import { lambdaContext } from '../../scripts/support/lambda-events';
import type { ObjectStore } from '../../lib/storage/object-store';
import { runLocalStateMachine, type LocalRunResult } from '../../lib/distributed/local-run';


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
  return (event: unknown) => handler(event, lambdaContext({ functionName: 'movie-reco-test-train', remainingMs: 900_000 }));
}

export type Invoke = (event: unknown, state: string) => Promise<unknown>;

/** The state machine run locally with every Task bound to `invoke`. */
export const runDistributed = (store: ObjectStore, invoke: Invoke, input: unknown, signal?: AbortSignal): Promise<LocalRunResult> =>
  runLocalStateMachine(input, { invoke, store, ...(signal ? { signal } : {}) });
