import { parseBatchRequest, type BatchRequest } from '../batch/request';
import { DataError } from '../data/errors';
import { parseSource } from '../data/sources/spec';
import { parseTrainConfig, TrainConfigError, type TrainConfig } from './config';
import { parseEngineSetting, type EngineSetting } from './engine-choice';
import { RefreshRequest } from './refresh';

/**
 * What the train Lambda is asked to do. The event is either an EventBridge scheduled
 * event (its `detail`, usually empty, may override fields) or the request itself
 * (`sls invoke -p events/...json`). Its `mode` says which job: `train` (the default) or
 * `batch` (the top-N of every user to S3: lib/batch/request.ts) or `refresh` (the users
 * with new events re-solved against the live model's items: refresh.ts). A training config is laid
 * over the env defaults: TRAIN_SOURCE, TRAIN_MODEL, TRAIN_PARAMS (JSON), TRAIN_SEED,
 * TRAIN_THREADS.
 */

/** The settings the handler reads from its environment (serverless.yml sets them). */
function envDefaults(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  if (env.TRAIN_SOURCE) defaults.source = env.TRAIN_SOURCE;
  if (env.TRAIN_MODEL) defaults.model = env.TRAIN_MODEL;
  if (env.TRAIN_PARAMS) {
    try {
      defaults.params = JSON.parse(env.TRAIN_PARAMS) as unknown;
    } catch {
      throw new TrainConfigError(`TRAIN_PARAMS is not JSON: ${env.TRAIN_PARAMS}`);
    }
  }
  if (env.TRAIN_SEED) defaults.seed = Number(env.TRAIN_SEED);
  if (env.TRAIN_THREADS) defaults.threads = Number(env.TRAIN_THREADS);
  return defaults;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isScheduled = (event: unknown): event is Record<string, unknown> =>
  isObject(event) && (event['detail-type'] === 'Scheduled Event' || event.source === 'aws.events');

/** The fields an event gives: a scheduled event's detail, or the event itself. */
function requestFields(event: unknown): Record<string, unknown> {
  if (event !== undefined && event !== null && !isObject(event)) {
    throw new TrainConfigError(`the train event must be a JSON object, got ${Array.isArray(event) ? 'an array' : typeof event}`);
  }
  return isScheduled(event) ? (isObject(event.detail) ? event.detail : {}) : (event ?? {});
}

/**
 * A scheduled event's own identity (EventBridge's id and time), which every delivery of it
 * repeats: a run started from it is named after it, so a second delivery (EventBridge and
 * Lambda's async retries deliver at least once) starts nothing new.
 */
function deliveryOf(event: unknown): { id: string; time: Date } | undefined {
  if (!isScheduled(event) || typeof event.id !== 'string' || typeof event.time !== 'string') return undefined;
  const time = new Date(event.time);
  return Number.isNaN(time.getTime()) ? undefined : { id: event.id, time };
}

export type TrainEvent =
  /** `request`: the event's own training fields (a run handed to the state machine takes them as they came); `engine` overrides TRAIN_ENGINE. */
  | { mode: 'train'; config: TrainConfig; request: Record<string, unknown>; engine?: EngineSetting; delivery?: { id: string; time: Date } }
  | { mode: 'batch'; request: BatchRequest }
  | { mode: 'refresh'; request: RefreshRequest };

/** The job an event asks for; throws a readable error (a BatchRequestError for a bad batch). */
export function parseTrainEvent(event: unknown, env: NodeJS.ProcessEnv = process.env): TrainEvent {
  const { mode, ...fields } = requestFields(event);
  if (mode === 'batch') return { mode, request: parseBatchRequest(fields) };
  if (mode === 'refresh') {
    const parsed = RefreshRequest.safeParse(fields);
    if (!parsed.success) throw new TrainConfigError(`invalid refresh request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`);
    return { mode, request: parsed.data };
  }
  if (mode !== undefined && mode !== 'train') throw new TrainConfigError(`mode must be "train", "batch" or "refresh", got ${JSON.stringify(mode)}`);
  const { engine, ...request } = fields;
  const delivery = deliveryOf(event);
  return {
    mode: 'train',
    config: parseTrainConfig({ ...envDefaults(env), ...request }),
    request,
    ...(engine !== undefined ? { engine: parseEngineSetting(engine, 'engine') } : {}),
    ...(delivery ? { delivery } : {}),
  };
}

/** The training config an event asks for, over the env defaults; throws a readable error. */
export function configFromEvent(event: unknown, env: NodeJS.ProcessEnv = process.env): TrainConfig {
  const job = parseTrainEvent(event, env);
  if (job.mode !== 'train') throw new TrainConfigError(`this event asks for ${job.mode === 'batch' ? 'a batch export' : 'a refresh'}, not training`);
  return job.config;
}

/**
 * When training must stop so that evaluating and publishing still fit in the
 * invocation: its remaining time minus TRAIN_PUBLISH_MARGIN_SECONDS (default 120),
 * never later than a deadline the config already has.
 */
export function invocationDeadline(config: TrainConfig, startedAt: number, remainingMs: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRAIN_PUBLISH_MARGIN_SECONDS ?? '120';
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new TrainConfigError(`TRAIN_PUBLISH_MARGIN_SECONDS must be a number of seconds >= 0, got "${raw}"`);
  }
  // Past already (a short timeout)? Then training stops after its first epoch and still publishes.
  return Math.min(config.deadline ?? Infinity, startedAt + Math.max(0, remainingMs - seconds * 1000));
}

/**
 * The train function reads data from S3, MovieLens or the generator; a local path (a file
 * inside its container, e.g. /etc/passwd) only with TRAIN_LOCAL_FILES=allow (for runs on
 * your own machine).
 */
export function checkSourceAllowed(config: TrainConfig, env: NodeJS.ProcessEnv = process.env): void {
  if (env.TRAIN_LOCAL_FILES === 'allow') return;
  const local = [config.source, config.items].filter((s): s is string => s !== undefined && parseSource(s).kind === 'file');
  if (local.length) {
    throw new TrainConfigError(
      `the train function does not read local paths (${local.length === 1 ? 'source or items' : 'source and items'} name one); ` +
        'use an s3:// object or a MovieLens name, or set TRAIN_LOCAL_FILES=allow where it runs on your own machine',
    );
  }
}

/**
 * What an invocation error says about a run that failed reading its data: what failed and
 * how many lines were bad, never the data itself (the quoted lines go to the log only:
 * the invoker may not be allowed to read the object the function read).
 */
export function publicTrainingError(err: unknown, source: string): Error {
  if (!(err instanceof DataError) || !err.quotesData) return err as Error;
  const bad = err.bad ? `: ${err.bad.count} bad lines` : '';
  return new DataError(`reading ${source} failed${bad}; the function's log has the details (${err.name})`);
}
