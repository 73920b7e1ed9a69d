/**
 * Nested cross-validation of a kind's grid (TrainingPart.tuning): how its defaults are
 * chosen, reproducibly (`npm run tune`).
 *
 * - Outer: the data in `outerFolds` seeded folds. For each, the inner search runs on the
 *   outer training part only (k-fold CV with `innerFolds` over every grid point), the
 *   winner is refitted on that training part and scored once on the outer test fold.
 *   The outer test folds never feed a choice, so the mean of those scores estimates what
 *   the whole procedure will do on unseen data.
 * - Final: the same inner search over the whole data set picks the recommended defaults.
 *
 * Models that stop early carve their early-stopping set out of each fit's training part
 * (protocols.ts), never out of the part being scored.
 */
import type { Dataset } from '../data/dataset';
import { kFold } from '../data/splits';
import type { TuningSpec } from '../models/contract';
import type { RegisteredModel } from '../models/registry';
import { crossValidate, givenSplit } from './protocols';

export type GridPoint = Record<string, number | string>;

/** Every combination of the grid's values, in a fixed order (first key slowest). */
export function gridPoints(grid: TuningSpec['grid']): GridPoint[] {
  let points: GridPoint[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (values.length === 0) throw new RangeError(`the grid for "${key}" has no values`);
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

/** Whether `a` is a better value of `metric` than `b` (rmse: lower; ranking metrics: higher). */
export const better = (metric: TuningSpec['metric'], a: number, b: number): boolean => (metric === 'rmse' ? a < b : a > b);

/** The ranking cut-off a metric names ('ndcg@10' -> 10), or undefined for rmse. */
export function metricK(metric: TuningSpec['metric']): number | undefined {
  const at = /@(\d+)$/.exec(metric);
  return at ? Number(at[1]) : undefined;
}

export interface TuneOptions {
  outerFolds: number;
  innerFolds: number;
  seed: number;
  threads?: number;
  /** Params held fixed during the search (over the defaults, under the grid). */
  fixed?: Record<string, unknown>;
  /** Replaces the kind's own grid (a narrower search). */
  grid?: TuningSpec['grid'];
  onProgress?: (message: string) => void;
}

export interface SearchResult {
  best: GridPoint;
  score: number;
  /** Every grid point's mean inner score. */
  table: Array<{ point: GridPoint; score: number }>;
}

export interface OuterFold {
  fold: number;
  chosen: GridPoint;
  innerScore: number;
  outerScore: number;
}

export interface TuneReport {
  model: string;
  dataset: string;
  metric: TuningSpec['metric'];
  gridSize: number;
  outerFolds: number;
  innerFolds: number;
  seed: number;
  outer: OuterFold[];
  /** Mean and population std of the outer scores: the nested estimate. */
  nestedMean: number;
  nestedStd: number;
  /** The search over the whole data set: the recommended defaults and their inner score. */
  final: SearchResult;
  seconds: number;
}

async function search(model: RegisteredModel, data: Dataset, points: GridPoint[], o: TuneOptions, metric: TuningSpec['metric'], seed: number, label: string): Promise<SearchResult> {
  const k = metricK(metric);
  const table: SearchResult['table'] = [];
  let best: SearchResult | undefined;
  for (const point of points) {
    const report = await crossValidate(model, data, {
      folds: o.innerFolds,
      seed,
      params: { ...o.fixed, ...point },
      ...(k !== undefined ? { k } : {}),
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
    });
    const score = report.mean[metric];
    if (score === undefined) throw new RangeError(`${model.kind} reports no ${metric}; choose another tuning metric`);
    table.push({ point, score });
    o.onProgress?.(`${label} ${JSON.stringify(point)} ${metric} ${score.toFixed(4)}`);
    if (!best || better(metric, score, best.score)) best = { best: point, score, table };
  }
  return best!;
}

export async function nestedTune(model: RegisteredModel, dataset: Dataset, o: TuneOptions): Promise<TuneReport> {
  const started = performance.now();
  const { metric } = model.training.tuning;
  const points = gridPoints(o.grid ?? model.training.tuning.grid);
  // Fail before hours of fitting if a grid point or a fixed param is not a valid param.
  for (const point of points) model.training.resolve({ ...o.fixed, ...point });
  const k = metricK(metric);
  const outer: OuterFold[] = [];
  for (const [f, { train, test }] of kFold(dataset, o.outerFolds, o.seed).entries()) {
    const inner = await search(model, train, points, o, metric, o.seed + 17 * (f + 1), `outer ${f + 1}/${o.outerFolds}`);
    const report = await givenSplit(model, dataset, train, test, {
      seed: o.seed,
      params: { ...o.fixed, ...inner.best },
      ...(k !== undefined ? { k } : {}),
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
    });
    const outerScore = report.mean[metric]!;
    outer.push({ fold: f + 1, chosen: inner.best, innerScore: inner.score, outerScore });
    o.onProgress?.(`outer ${f + 1}/${o.outerFolds}: chose ${JSON.stringify(inner.best)}, outer ${metric} ${outerScore.toFixed(4)}`);
  }
  const final = await search(model, dataset, points, o, metric, o.seed, 'final');
  const scores = outer.map((f) => f.outerScore);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return {
    model: model.kind,
    dataset: dataset.name,
    metric,
    gridSize: points.length,
    outerFolds: o.outerFolds,
    innerFolds: o.innerFolds,
    seed: o.seed,
    outer,
    nestedMean: mean,
    nestedStd: std,
    final,
    seconds: (performance.now() - started) / 1000,
  };
}
