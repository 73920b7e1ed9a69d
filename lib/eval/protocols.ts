/**
 * Evaluation protocols: fit a model on training parts and score it on held-out parts.
 *
 * - crossValidate: k random folds (Surprise's KFold); each fold is the test part once.
 * - holdout: the PoC's random 80/10/10 train/test/validation; early stopping watches
 *   the 10 % test part and the metrics are those of the untouched validation part.
 * - stratifiedHoldout: per-user split with `testRatio` of every user's ratings held
 *   out (the usual top-k protocol).
 * - givenSplit: a train/test pair the caller made (the outer folds of nested tuning).
 *
 * A model that stops early (its TrainingPart's stopsEarly, e.g. svd/nsvd) gets, in
 * crossValidate and stratifiedHoldout, an early-stopping set carved from the fold's
 * TRAINING part (`earlyStopFraction`, default 0.1), never the evaluated part.
 *
 * Every fold reports rmse/mae when the model predicts ratings (scoring 'rating', or a
 * fit result carrying `ratingFactors` like popularity's) and the ranking metrics at k
 * (items rated in the fold's training part excluded) for every model.
 */
import { nItems, type Dataset } from '../data/dataset';
import { kFold, randomSplit, stratifiedSplit } from '../data/splits';
import type { Factors } from '../math/factors';
import type { FitResult } from '../models/contract';
import { fitModel, type ModelKind, type RegisteredModel } from '../models/registry';
import { evaluateRanking } from './ranking';
import { evaluateRatings } from './rating';

export type ProtocolName = 'kfold' | 'holdout' | 'stratified' | 'split';

export interface ProtocolOptions {
  seed: number;
  /** Hyper-parameter overrides (the model validates them). */
  params?: Record<string, unknown>;
  threads?: number;
  /** Ranking cut-off; default 10. */
  k?: number;
  /** Share of a fold's training part held out for early stopping; default 0.1. */
  earlyStopFraction?: number;
  /** Called after each fold (progress for long runs). */
  onFold?: (fold: FoldReport) => void;
}

export interface FoldReport {
  fold: number;
  trainSize: number;
  /** Ratings the model was fitted on (the training part minus any early-stopping set). */
  fitSize: number;
  testSize: number;
  metrics: Record<string, number>;
  fitSeconds: number;
  evalSeconds: number;
  epochs: number;
  stoppedBy?: string;
}

export interface ProtocolReport {
  protocol: ProtocolName;
  model: ModelKind;
  dataset: string;
  seed: number;
  folds: FoldReport[];
  /** Mean of every metric over the folds. */
  mean: Record<string, number>;
  /** Standard deviation of every metric over the folds (population, as Surprise's cross_validate). */
  std: Record<string, number>;
  /** Mean fit time per fold, and wall time of the whole protocol, in seconds. */
  fitSeconds: number;
  seconds: number;
}

interface Part {
  /** What the model is fitted on. */
  fit: Dataset;
  /** Early-stopping set handed to fit as FitOptions.test, if any. */
  stop?: Dataset;
  /** Everything the user is known to have rated outside `evaluate` (excluded from top-k). */
  seen: Dataset;
  evaluate: Dataset;
}

/** k-fold cross-validation: `folds` random folds, each the evaluated part once. */
export async function crossValidate(
  model: RegisteredModel,
  dataset: Dataset,
  options: ProtocolOptions & { folds: number },
): Promise<ProtocolReport> {
  if (!Number.isInteger(options.folds) || options.folds < 2) {
    throw new RangeError(`folds must be an integer >= 2, got ${options.folds}`);
  }
  const parts = kFold(dataset, options.folds, options.seed).map(({ train, test }, f) =>
    carveEarlyStop(model, train, test, options, options.seed + 1000 * (f + 1)),
  );
  return run('kfold', model, dataset, parts, options);
}

/** The PoC's random 80/10/10: fit on train, early-stop on test, report validation. */
export async function holdout(model: RegisteredModel, dataset: Dataset, options: ProtocolOptions): Promise<ProtocolReport> {
  const [train, test, validation] = randomSplit(dataset, [0.8, 0.1, 0.1], options.seed) as [Dataset, Dataset, Dataset];
  const part: Part = { fit: train, stop: test, seen: concat(train, test), evaluate: validation };
  return run('holdout', model, dataset, [part], options);
}

/** Per-user stratified holdout: `testRatio` of each user's ratings evaluated. */
export async function stratifiedHoldout(
  model: RegisteredModel,
  dataset: Dataset,
  options: ProtocolOptions & { testRatio: number },
): Promise<ProtocolReport> {
  if (!(options.testRatio > 0 && options.testRatio < 1)) {
    throw new RangeError(`testRatio must be in (0, 1), got ${options.testRatio}`);
  }
  const { train, test } = stratifiedSplit(dataset, options.testRatio, options.seed);
  return run('stratified', model, dataset, [carveEarlyStop(model, train, test, options, options.seed + 1000)], options);
}


/** Fit on `train`, score on `test` (two splits of `dataset`, sharing its ids). */
export async function givenSplit(model: RegisteredModel, dataset: Dataset, train: Dataset, test: Dataset, options: ProtocolOptions): Promise<ProtocolReport> {
  return run('split', model, dataset, [carveEarlyStop(model, train, test, options, options.seed + 1000)], options);
}

function carveEarlyStop(model: RegisteredModel, train: Dataset, test: Dataset, options: ProtocolOptions, seed: number): Part {
  const fraction = options.earlyStopFraction ?? 0.1;
  if (fraction <= 0 || !model.training.stopsEarly(model.training.resolve(options.params))) return { fit: train, seen: train, evaluate: test };
  if (fraction >= 1) throw new RangeError(`earlyStopFraction must be in [0, 1), got ${fraction}`);
  const [fit, stop] = randomSplit(train, [1 - fraction, fraction], seed) as [Dataset, Dataset];
  return { fit, stop, seen: train, evaluate: test };
}

async function run(
  protocol: ProtocolName,
  model: RegisteredModel,
  dataset: Dataset,
  parts: Part[],
  options: ProtocolOptions,
): Promise<ProtocolReport> {
  const started = performance.now();
  const k = options.k ?? 10;
  const folds: FoldReport[] = [];
  const params = model.training.resolve(options.params);
  for (const [f, part] of parts.entries()) {
    const fitStart = performance.now();
    const result = await fitModel(model, part.fit, params, {
      ...(part.stop ? { test: part.stop } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      seed: options.seed,
    });
    const fitSeconds = (performance.now() - fitStart) / 1000;
    const evalStart = performance.now();
    const metrics: Record<string, number> = {};
    // Implicit data has weights, not ratings: an error against them would mean nothing.
    const rating = part.fit.feedback === 'implicit' ? undefined : ratingFactors(result);
    if (rating) Object.assign(metrics, evaluateRatings(rating, part.evaluate));
    const ranking = evaluateRanking(result.factors, part.seen, part.evaluate, k);
    for (const [name, value] of Object.entries(ranking)) if (name !== 'users') metrics[name] = value;
    const fold: FoldReport = {
      fold: f + 1,
      trainSize: part.seen.size,
      fitSize: part.fit.size,
      testSize: part.evaluate.size,
      metrics,
      fitSeconds,
      evalSeconds: (performance.now() - evalStart) / 1000,
      epochs: result.curve.length > 0 ? result.curve[result.curve.length - 1]!.epoch : 0,
      ...(result.stoppedBy ? { stoppedBy: result.stoppedBy } : {}),
    };
    folds.push(fold);
    options.onFold?.(fold);
  }
  return {
    protocol,
    model: model.kind,
    dataset: dataset.name,
    seed: options.seed,
    folds,
    mean: meanOf(folds.map((f) => f.metrics)),
    std: stdOf(folds.map((f) => f.metrics)),
    fitSeconds: folds.reduce((s, f) => s + f.fitSeconds, 0) / folds.length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Factors that predict ratings: the fit's own if it is a rating model, else any it offers. */
export function ratingFactors(result: FitResult): Factors | undefined {
  return result.ratingFactors ?? (result.factors.scoring === 'rating' ? result.factors : undefined);
}

/** Mean of each key over the records that have it. */
export function meanOf(records: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sums: Record<string, number> = {};
  const counts: Record<string, number> = {};
  for (const record of records) {
    for (const [key, value] of Object.entries(record)) {
      sums[key] = (sums[key] ?? 0) + value;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.keys(sums).map((key) => [key, sums[key]! / counts[key]!]));
}

/** Population standard deviation of each key over the records that have it. */
export function stdOf(records: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const mean = meanOf(records);
  const squares = meanOf(records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, (v - mean[k]!) ** 2]))));
  return Object.fromEntries(Object.entries(squares).map(([k, v]) => [k, Math.sqrt(v)]));
}

/** Two splits of one data set as one (they share ids). */
function concat(a: Dataset, b: Dataset): Dataset {
  if (a.userIds !== b.userIds || a.itemIds !== b.itemIds || nItems(a) !== nItems(b)) {
    throw new Error('concat needs two splits of the same data set');
  }
  const size = a.size + b.size;
  const users = new Int32Array(size);
  const items = new Int32Array(size);
  const ratings = new Float32Array(size);
  users.set(a.users);
  users.set(b.users, a.size);
  items.set(a.items);
  items.set(b.items, a.size);
  ratings.set(a.ratings);
  ratings.set(b.ratings, a.size);
  return { ...a, size, users, items, ratings };
}
