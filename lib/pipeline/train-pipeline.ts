import { blankLike, type Dataset } from '../data/dataset';
import { loadDataset } from '../data/sources';
import { parseSource, withFormat } from '../data/sources/spec';
import { randomSplitInPlace } from '../data/splits';
import { evaluateRanking } from '../eval/ranking';
import { evaluateRatings } from '../eval/rating';
import type { FitResult, Progress } from '../models/contract';
import { fitModel, getModel } from '../models/registry';
import type { ObjectStore } from '../storage/object-store';
import { eventsKeyAt } from '../events/keys';
import { mergeEvents, type EventsMergeReport } from '../events/merge';
import { MAX_CLOCK_SKEW_SECONDS } from '../events/schema';
import { readEvents } from '../events/store';
import { defaultThreads, parseTrainConfig, type TrainConfig, type TrainConfigInput } from './config';
import { dataReport, type DataReport } from './report';

export type LoadedDataset = Awaited<ReturnType<typeof loadDataset>>;
export type SourceContext = Parameters<typeof loadDataset>[1];

export interface TrainingHooks {
  onProgress?: (p: Progress) => void;
  /** The data report, once the data is read (before training). */
  onLoaded?: (report: DataReport) => void;
  log?: (message: string, data?: Record<string, unknown>) => void;
  /** Passed to loadDataset (S3 client, cache folder, fetch...). */
  sourceContext?: SourceContext;
  /** The model bucket: its events/ (POST /events) are merged into the data (unless config.events is false). */
  eventsStore?: ObjectStore;
  /** Merge the events received before this time (epoch ms; default readEvents' settled ones). */
  eventsUntil?: number;
}

/** Everything one run produced; publishing takes it from here (publish-input.ts). */
export interface TrainingRun {
  loaded: LoadedDataset;
  /** What was read and how (columns, scale, bad lines, duplicates). */
  data: DataReport;
  train: Dataset;
  test: Dataset;
  validation: Dataset;
  fit: FitResult;
  /** validationRmse, validationMae, testRmse, trainRmse (+ bestRmse for planted data; ranking@10 for ranking models). */
  metrics: Record<string, number>;
  /** Seconds per stage: load, split, fit, evaluate, total. */
  timings: Record<string, number>;
  config: TrainConfig;
  /** Every hyper-parameter the model trained with (the fit's resolvedParams: defaults, config.params, derived values). */
  params: Record<string, unknown>;
}

/**
 * load -> split (seeded, 80/10/10 by default) -> fit (early stopping on the test
 * part, the deadline passed through) -> evaluate (validation RMSE/MAE, test RMSE).
 */
export async function runTraining(input: TrainConfig | TrainConfigInput, hooks: TrainingHooks = {}): Promise<TrainingRun> {
  const config = parseTrainConfig(input);
  const log = hooks.log ?? (() => {});
  const started = performance.now();
  const timings: Record<string, number> = {};
  const stage = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    timings[name] = round((performance.now() - t) / 1000);
    return out;
  };
  const deadline = resolveDeadline(config, Date.now());
  const model = getModel(config.model);

  const { loaded, data, train, test, validation } = await loadAndSplit(config, hooks, stage);

  const threads = config.threads ?? defaultThreads();
  const params = model.training.resolve(config.params);
  const fit = await stage('fit', () =>
    fitModel(model, train, params, {
      ...(test.size > 0 ? { test } : {}),
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
      threads,
      seed: config.seed,
    }),
  );
  log('fitted', { epochs: fit.curve.at(-1)?.epoch ?? 0, stoppedBy: fit.stoppedBy, seconds: timings.fit });

  const metrics = await stage('evaluate', () => evaluateFit(fit, train, test, validation, loaded));
  timings.total = round((performance.now() - started) / 1000);
  log('evaluated', metrics);
  return { loaded, data, train, test, validation, fit, metrics, timings, config, params: fit.resolvedParams as Record<string, unknown> };
}

/** Timestamps in ms (some click logs) read as seconds, as events' timestamps are. */
const asSeconds = (t: number): number => (t > 1e11 ? t / 1000 : t);

/**
 * The posted events newer than the data set's own newest timestamp, merged into it by the
 * duplicates policy, each kept or dropped by its own timestamp.
 */
async function withEvents(read: LoadedDataset, store: ObjectStore, config: TrainConfig, until?: number): Promise<{ loaded: LoadedDataset; events: EventsMergeReport }> {
  const newerThan = read.newestTime !== undefined ? asSeconds(read.newestTime) : undefined;
  // Objects received before (newest - skew) cannot hold an event newer than the data set.
  const after = newerThan !== undefined ? eventsKeyAt((newerThan - MAX_CLOCK_SKEW_SECONDS) * 1000) : undefined;
  const got = await readEvents(store, after, until);
  const { dataset, report } = mergeEvents(read.dataset, got.events, {
    ...(newerThan !== undefined ? { newerThan } : {}),
    policy: config.format?.duplicates ?? 'last',
    ...(config.format?.eventWeights ? { eventWeights: config.format.eventWeights } : {}),
    malformed: got.bad,
    objects: got.objects,
    through: got.through,
  });
  if (report.merged === 0) return { loaded: read, events: report };
  return { loaded: { ...read, dataset, sha256: `${read.sha256}+events:${report.through ?? ''}` }, events: report };
}

/** The run's metrics: rating errors for a rating model, ranking@10 on the validation part for a ranking one. */
export function evaluateFit(fit: FitResult, train: Dataset, test: Dataset, validation: Dataset, loaded: LoadedDataset): Record<string, number> {
  const f = fit.factors;
  const metrics: Record<string, number> = {};
  // A ranking model's scores are not ratings: an RMSE of them would be a meaningless number.
  if (f.scoring === 'rating') {
    if (validation.size > 0) {
      const v = evaluateRatings(f, validation);
      metrics.validationRmse = v.rmse;
      metrics.validationMae = v.mae;
    }
    if (test.size > 0) metrics.testRmse = evaluateRatings(f, test).rmse;
    const last = fit.curve.at(-1);
    if (last && Number.isFinite(last.batchError)) metrics.trainRmse = last.batchError;
  }
  if (loaded.bestRmse !== undefined) metrics.bestRmse = loaded.bestRmse;
  if (f.scoring === 'ranking' && validation.size > 0) {
    const r = evaluateRanking(f, train, validation, 10);
    for (const [name, value] of Object.entries(r)) if (name !== 'users') metrics[`validation_${name}`] = value;
  }
  return metrics;
}

export interface SplitData {
  loaded: LoadedDataset;
  data: DataReport;
  train: Dataset;
  test: Dataset;
  validation: Dataset;
}

type Stage = <T>(name: string, fn: () => T | Promise<T>) => Promise<T>;

/**
 * load -> split, as every run does: the distributed engine (lib/distributed) reads and
 * splits its data through this too, so both engines train on the same ratings.
 */
export async function loadAndSplit(config: TrainConfig, hooks: TrainingHooks = {}, stage: Stage = async (_, fn) => fn()): Promise<SplitData> {
  const log = hooks.log ?? (() => {});
  const loadStarted = performance.now();
  const read = await stage('load', () => loadDataset(withFormat(parseSource(config.source), config.format, config.items), hooks.sourceContext as SourceContext));
  const { loaded, events } = hooks.eventsStore && config.events ? await stage('events', () => withEvents(read, hooks.eventsStore!, config, hooks.eventsUntil)) : { loaded: read, events: undefined };
  const data = { ...dataReport(loaded), ...(events ? { events } : {}) };
  log('loaded', { ...data, seconds: round((performance.now() - loadStarted) / 1000) });
  hooks.onLoaded?.(data);
  const [train, test, validation] = await stage('split', () => splitThree(loaded.dataset, config.split, config.seed));
  log('split', { train: train.size, test: test.size, validation: validation.size });
  return { loaded, data, train, test, validation };
}

/**
 * [train, test, validation] by the config's fractions; a zero fraction gives an empty part.
 * In place, so the parts are views of the loaded data set and no second copy of the
 * ratings exists: what reads the loaded set later (the seen lists, counts) takes it as
 * a set, and its pairs are distinct (every parser applies a duplicates policy, the
 * generators draw distinct movies per user), so its order does not matter.
 */
function splitThree(d: Dataset, fractions: [number, number, number], seed: number): [Dataset, Dataset, Dataset] {
  const present = fractions.map((f, k) => [f, k] as const).filter(([f]) => f > 0);
  const parts = randomSplitInPlace(d, present.map(([f]) => f), seed);
  const out: Dataset[] = fractions.map((_, k) => blankLike(d, 0, ['train', 'test', 'validation'][k]!));
  present.forEach(([, k], at) => (out[k] = parts[at]!));
  return out as [Dataset, Dataset, Dataset];
}

export function resolveDeadline(config: Pick<TrainConfig, 'deadline' | 'deadlineMs'>, now: number): number | undefined {
  const candidates = [config.deadline, config.deadlineMs !== undefined ? now + config.deadlineMs : undefined].filter(
    (x): x is number => x !== undefined,
  );
  return candidates.length ? Math.min(...candidates) : undefined;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
