/**
 * Before a scheduled (or invoked) training run reads anything: which engine takes it
 * (lib/pipeline/engine-choice.ts, by the source's size: lib/data/sources/size.ts). For
 * the state machine it starts a DistributedTrain execution with the run's own training
 * fields and returns what it started; the train function then trains nothing itself.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { newVersionId, versionIdOf } from '../artifacts/version-id';
import { estimateSourceSize, type SourceSize } from '../data/sources/size';
import { parseSource, withFormat } from '../data/sources/spec';
import type { SourceContext } from '../data/sources/context';
import { chooseEngine, engineSettingsFromEnv, envPositiveInteger, type EngineSetting } from '../pipeline/engine-choice';
import { TrainConfigError, type TrainConfig } from '../pipeline/config';
import { distributedParams, type PrepareRequest } from './prepare';
import { createSfnClient, startExecution } from './state-machine-client';

export interface TrainingJob {
  config: TrainConfig;
  /** The event's own training fields: the state machine's prepare lays them over the same env defaults. */
  request: Record<string, unknown>;
  engine?: EngineSetting;
  /** The scheduled event this run comes from: the run (and its execution) is named after it. */
  delivery?: { id: string; time: Date };
}

export interface DistributedStarted {
  mode: 'distributed-started';
  engine: 'distributed';
  executionArn: string;
  /** Absent when this run had been started already (a repeated delivery): `alreadyStarted`. */
  startDate?: string;
  alreadyStarted?: true;
  runId: string;
  reason: string;
  size?: SourceSize;
}

export type Route = { engine: 'single'; reason: string; size?: SourceSize } | DistributedStarted;

/** The state machine's input besides the config, from DISTRIBUTED_SHARDS (default 64), DISTRIBUTED_MAX_CONCURRENCY, DISTRIBUTED_EVAL_USERS. */
export function distributedRunSettings(env: NodeJS.ProcessEnv = process.env): Pick<PrepareRequest, 'shards' | 'maxConcurrency' | 'evalUsers'> {
  const maxConcurrency = envPositiveInteger(env, 'DISTRIBUTED_MAX_CONCURRENCY');
  const evalUsers = envPositiveInteger(env, 'DISTRIBUTED_EVAL_USERS');
  return { shards: envPositiveInteger(env, 'DISTRIBUTED_SHARDS') ?? 64, ...(maxConcurrency ? { maxConcurrency } : {}), ...(evalUsers ? { evalUsers } : {}) };
}

/** Why the state machine cannot take this run, if it cannot. */
function unavailable(config: TrainConfig, stateMachineArn: string | undefined): string | undefined {
  if (!stateMachineArn) return 'no state machine is configured (DISTRIBUTED_TRAIN_ARN)';
  try {
    distributedParams(config);
    return undefined;
  } catch (err) {
    if (err instanceof TrainConfigError) return err.message;
    throw err;
  }
}

export interface RouteOptions {
  sourceContext?: SourceContext;
  env?: NodeJS.ProcessEnv;
  client?: SFNClient;
}

export async function routeTraining(job: TrainingJob, options: RouteOptions = {}): Promise<Route> {
  const env = options.env ?? process.env;
  const { setting: fromEnv, thresholds } = engineSettingsFromEnv(env);
  const setting = job.engine ?? fromEnv;
  const arn = env.DISTRIBUTED_TRAIN_ARN || undefined;
  const size = setting === 'auto' ? await estimateSourceSize(withFormat(parseSource(job.config.source), job.config.format, job.config.items), options.sourceContext) : undefined;
  const choice = chooseEngine(setting, size, thresholds, unavailable(job.config, arn));
  if (choice.engine === 'single') return { engine: 'single', reason: choice.reason, ...(size ? { size } : {}) };

  // Step Functions starts nothing new for a name it has run with the same input: a repeated delivery is a no-op.
  const runId = job.delivery ? versionIdOf(job.delivery.time, job.delivery.id) : newVersionId();
  const input: PrepareRequest = { config: job.request, ...distributedRunSettings(env), runId };
  const started = await startExecution(options.client ?? createSfnClient(env), arn!, runId, input);
  return { mode: 'distributed-started', engine: 'distributed', ...started, runId, reason: choice.reason, ...(size ? { size } : {}) };
}
