/**
 * A distributed training run on this machine: the state machine's own definition under
 * aws-local-stepfunctions (lib/distributed/local-run.ts), every Task the train
 * function's real handler in this process, against MODEL_BUCKET at S3_ENDPOINT (the
 * local stack by default). Used by `npm run train -- --distributed` and the bench.
 */
import type { Context } from 'aws-lambda';
import { runLocalStateMachine, type LocalRunResult } from '../../lib/distributed/local-run';
import type { ObjectStore } from '../../lib/storage/object-store';

const context = (): Context =>
  ({
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'local-train',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:local-train',
    memoryLimitInMB: '10240',
    awsRequestId: `local-${Math.random().toString(16).slice(2)}`,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  }) as Context;

export interface DistributedInput {
  config: Record<string, unknown>;
  shards: number;
  maxConcurrency?: number;
  evalUsers?: number;
}

/** The env the train handler reads, for this process: set before it is imported. */
export function handlerEnv(store: { bucket: string; endpoint?: string }, threads: number): void {
  Object.assign(process.env, {
    MODEL_BUCKET: store.bucket,
    S3_ENDPOINT: store.endpoint ?? '',
    TRAIN_THREADS: String(threads),
    // A CLI on your own machine may read local files, as `sls invoke local` may.
    TRAIN_LOCAL_FILES: 'allow',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
}

/** A Task as this process runs it: the train handler, with a Lambda-like context. */
export async function invokeTrainHandler(event: unknown): Promise<unknown> {
  const { handler } = await import('../../functions/train');
  return handler(event, context());
}

export interface LocalRunHooks {
  /** Instead of invokeTrainHandler, for some states (the bench runs solve steps in processes of their own). */
  invoke?: (event: unknown, state: string) => Promise<unknown>;
  /** Seconds of the prepare step, then of each iteration (from the end of the previous one to its users' reduce). */
  onPhase?: (phase: 'prepare' | 'iteration', seconds: number) => void;
}

export async function runDistributedLocally(store: ObjectStore, input: DistributedInput, hooks: LocalRunHooks = {}): Promise<LocalRunResult> {
  let mark = performance.now();
  const since = () => (performance.now() - mark) / 1000;
  const onPhase = hooks.onPhase;
  return runLocalStateMachine(input, {
    invoke: hooks.invoke ?? invokeTrainHandler,
    store,
    ...(onPhase
      ? {
          onEvent: (e) => {
            if (e.type !== 'StateExited' || (e.state !== 'Prepare' && e.state !== 'ReduceUsers')) return;
            onPhase(e.state === 'Prepare' ? 'prepare' : 'iteration', since());
            mark = performance.now();
          },
        }
      : {}),
  });
}
