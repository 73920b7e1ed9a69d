/**
 * Accuracy benchmark: `npm run -s bench -- accuracy --data PATH [flags]`.
 *
 * Fits each chosen model under one evaluation protocol for each seed and reports the
 * mean over seeds (and per seed, per fold) of rmse/mae (rating models) and the ranking
 * metrics at k, ± their standard deviation over all folds. `--vs surprise --peers DIR`
 * adds Surprise's SVD and SVD++ (defaults) on the same kfold folds (support/peer-surprise.ts).
 * --json prints one JSON object per model per line; otherwise a table.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Dataset } from '../../lib/data/dataset';
import { loadDataset, parseSource } from '../../lib/data/sources';
import {
  crossValidate,
  holdout,
  meanOf,
  stdOf,
  stratifiedHoldout,
  type ProtocolName,
  type ProtocolOptions,
  type ProtocolReport,
} from '../../lib/eval/protocols';
import { ModelParamsError } from '../../lib/models/params';
import { getModel, MODEL_KINDS, type RegisteredModel } from '../../lib/models/registry';
import { positiveInt } from './support/cli';
import { parseParamFlag } from '../support/param-flags';
import { peersDir } from './support/peer';
import { runSurpriseFolds, SURPRISE_ALGOS, surpriseBuild, type SurpriseAlgo } from './support/peer-surprise';

export interface AccuracyOptions {
  data: string;
  protocol: ProtocolName;
  folds: number;
  testRatio: number;
  k: number;
  seeds: number[];
  models: string[];
  params: Record<string, unknown>;
  threads?: number;
  earlyStop: number;
  json: boolean;
  /** Surprise's build folder, when its rows are wanted (--vs surprise). */
  surprise?: string;
}

const fraction = (name: string, allowZero: boolean) => (value: string) => {
  const n = Number(value);
  if (!(n < 1 && (allowZero ? n >= 0 : n > 0))) throw new InvalidArgumentError(`${name} must be in ${allowZero ? '[0, 1)' : '(0, 1)'}`);
  return n;
};

const seedList = (value: string): number[] => {
  const seeds = value.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s))) throw new InvalidArgumentError('seeds must be integers, comma separated');
  return seeds;
};

const collect = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value.split(',').map((s) => s.trim()).filter(Boolean),
];

/** `--param key=value` (scripts/support/param-flags.ts). */
export const parseParam = parseParamFlag;

/** Parses the command line; throws CommanderError (with a message) on bad input, and after writing `--help`'s text. */
export function parseArgs(argv: string[], writeOut: (text: string) => void = () => {}): AccuracyOptions {
  const program = new Command('accuracy')
    .description('rating and ranking accuracy of the models under an evaluation protocol')
    .exitOverride()
    .configureOutput({ writeOut, writeErr: () => {} })
    .requiredOption('--data <source>', 'ML-100K folder, ratings file, or a source such as synthetic:...')
    .addOption(new Option('--protocol <name>', 'evaluation protocol').choices(['kfold', 'holdout', 'stratified']).default('kfold'))
    .option('--folds <n>', 'folds for kfold', positiveInt, 5)
    .option('--test-ratio <r>', "share of each user's ratings held out (stratified)", fraction('--test-ratio', false), 0.25)
    .option('--k <n>', 'ranking cut-off', positiveInt, 10)
    .option('--seeds <list>', 'comma-separated seeds; metrics are averaged over them', seedList, [1])
    .option('--model <names>', `models (repeatable or comma list; "all" = ${MODEL_KINDS.join(', ')})`, collect, [])
    .option('--param <key=value>', 'hyper-parameter override (repeatable)', parseParam, {})
    .option('--threads <n>', 'training threads', positiveInt)
    .option('--early-stop <fraction>', "share of a fold's training part used for early stopping", fraction('--early-stop', true), 0.1)
    .option('--json', 'one JSON object per model per line', false)
    .addOption(new Option('--vs <peer>', "also run the peer on the same folds (kfold)").choices(['surprise']))
    .option('--peers <dir>', 'the folder the peers were built into (default: PEERS_DIR)');
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    data: string;
    protocol: ProtocolName;
    folds: number;
    testRatio: number;
    k: number;
    seeds: number[];
    model: string[];
    param: Record<string, unknown>;
    threads?: number;
    earlyStop: number;
    json: boolean;
    vs?: 'surprise';
    peers?: string;
  }>();
  if (o.protocol === 'kfold' && o.folds < 2) throw new InvalidArgumentError('--folds must be at least 2');
  if (o.vs && o.protocol !== 'kfold') throw new InvalidArgumentError('--vs surprise compares RMSE on kfold folds: use --protocol kfold');
  if (!o.vs && o.peers !== undefined) throw new InvalidArgumentError('--peers goes with --vs');
  const requested = o.model.length === 0 ? ['all'] : o.model;
  const models = [...new Set(requested.flatMap((m) => (m === 'all' ? MODEL_KINDS : [m])))];
  for (const m of models) getModel(m); // unknown names fail here, listing the known ones
  return {
    data: o.data,
    protocol: o.protocol,
    folds: o.folds,
    testRatio: o.testRatio,
    k: o.k,
    seeds: o.seeds,
    models,
    params: o.param,
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    earlyStop: o.earlyStop,
    json: o.json,
    ...(o.vs ? { surprise: surpriseBuild(peersDir(o.peers)) } : {}),
  };
}

/**
 * The overrides a model accepts: with one model, all of them (it rejects what it does
 * not know); with several, the keys in that model's defaults. A key no chosen model
 * knows is an error.
 */
export function paramsFor(model: RegisteredModel, all: Record<string, unknown>, models: RegisteredModel[]): Record<string, unknown> {
  if (models.length === 1) return all;
  const known = (m: RegisteredModel) => new Set(Object.keys(m.training.defaults));
  for (const key of Object.keys(all)) {
    if (!models.some((m) => known(m).has(key))) throw new Error(`--param ${key}: no chosen model has a parameter "${key}"`);
  }
  const mine = known(model);
  return Object.fromEntries(Object.entries(all).filter(([key]) => mine.has(key)));
}

export interface AccuracyRow {
  dataset: string;
  protocol: ProtocolName;
  model: string;
  k: number;
  folds?: number;
  testRatio?: number;
  seeds: number[];
  /** The params the model trained with (its TrainingPart's resolve of the overrides). */
  params: Record<string, unknown>;
  /** Metrics averaged over seeds (each seed's value is the mean over its folds). */
  [metric: string]: unknown;
  /** Standard deviation of each metric over all folds of all seeds. */
  std: Record<string, number>;
  seconds: number;
  fitSeconds: number;
  perSeed: Array<{ seed: number; seconds: number; fitSeconds: number; metrics: Record<string, number>; folds: ProtocolReport['folds'] }>;
}

function runProtocol(model: RegisteredModel, dataset: Dataset, o: AccuracyOptions, seed: number, params: Record<string, unknown>) {
  const common: ProtocolOptions = { seed, params, k: o.k, earlyStopFraction: o.earlyStop, ...(o.threads ? { threads: o.threads } : {}) };
  if (o.protocol === 'kfold') return crossValidate(model, dataset, { ...common, folds: o.folds });
  if (o.protocol === 'holdout') return holdout(model, dataset, common);
  return stratifiedHoldout(model, dataset, { ...common, testRatio: o.testRatio });
}

/** Runs every model for every seed; yields one row per model as it finishes. */
export async function* runAccuracy(o: AccuracyOptions, dataset: Dataset): AsyncGenerator<AccuracyRow> {
  const models = o.models.map((m) => getModel(m));
  for (const model of models) {
    const params = paramsFor(model, o.params, models);
    const perSeed: AccuracyRow['perSeed'] = [];
    for (const seed of o.seeds) {
      const report = await runProtocol(model, dataset, o, seed, params);
      perSeed.push({ seed, seconds: report.seconds, fitSeconds: report.fitSeconds, metrics: report.mean, folds: report.folds });
    }
    const timing = meanOf(perSeed.map((s) => ({ seconds: s.seconds, fitSeconds: s.fitSeconds })));
    yield {
      dataset: dataset.name,
      protocol: o.protocol,
      model: model.kind,
      k: o.k,
      ...(o.protocol === 'kfold' ? { folds: o.folds } : {}),
      ...(o.protocol === 'stratified' ? { testRatio: o.testRatio } : {}),
      seeds: o.seeds,
      params: model.training.resolve(params) as Record<string, unknown>,
      ...meanOf(perSeed.map((s) => s.metrics)),
      std: stdOf(perSeed.flatMap((s) => s.folds.map((f) => f.metrics))),
      seconds: timing['seconds']!,
      fitSeconds: timing['fitSeconds']!,
      perSeed,
    };
  }
  if (o.surprise) for (const algo of SURPRISE_ALGOS) yield await surpriseRow(o.surprise, algo, dataset, o);
}

/** Surprise's `algo` on the folds crossValidate makes for each seed, as a row of the same table. */
async function surpriseRow(build: string, algo: SurpriseAlgo, dataset: Dataset, o: AccuracyOptions): Promise<AccuracyRow> {
  const perSeed: AccuracyRow['perSeed'] = [];
  const folds: Array<Record<string, number>> = [];
  for (const seed of o.seeds) {
    const started = performance.now();
    const run = await runSurpriseFolds(build, algo, dataset, o.folds, seed);
    const mine = run.rmse.map((rmse, f) => ({ rmse, mae: run.mae[f]! }));
    folds.push(...mine);
    const fitSeconds = meanOf(run.fitSeconds.map((s) => ({ s })))['s']!;
    perSeed.push({ seed, seconds: (performance.now() - started) / 1000, fitSeconds, metrics: meanOf(mine), folds: [] });
  }
  const timing = meanOf(perSeed.map((s) => ({ seconds: s.seconds, fitSeconds: s.fitSeconds })));
  return {
    dataset: dataset.name,
    protocol: o.protocol,
    model: `surprise ${algo}`,
    k: o.k,
    folds: o.folds,
    seeds: o.seeds,
    params: { defaults: 'Surprise 1.1.4', random_state: 'seed' },
    ...meanOf(perSeed.map((s) => s.metrics)),
    std: stdOf(folds),
    seconds: timing['seconds']!,
    fitSeconds: timing['fitSeconds']!,
    perSeed,
  };
}

const round = (x: unknown, digits: number): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '-');
const withStd = (x: unknown, std: number | undefined, digits: number): string =>
  typeof x === 'number' && Number.isFinite(x) && std !== undefined ? `${x.toFixed(digits)} ± ${std.toFixed(digits)}` : round(x, digits);

/** Aligned text table, one row per model: each metric's mean ± its standard deviation over the folds. */
export function formatTable(rows: AccuracyRow[], k: number): string {
  const metricColumns = ['rmse', 'mae', `ndcg@${k}`, `precision@${k}`, `recall@${k}`, `map@${k}`, 'coverage'];
  const header = ['dataset', 'protocol', 'model', ...metricColumns, 'fit s/fold', 'seconds'];
  const body = rows.map((r) => [
    r.dataset,
    r.protocol,
    r.model,
    ...metricColumns.map((m) => withStd(r[m], r.std[m], 4)),
    round(r.fitSeconds, 2),
    round(r.seconds, 2),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export interface Output {
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/**
 * CLI entry. Bad arguments or unusable data print one line to stderr and set a non-zero
 * exit code (2 usage, 1 data); anything else is a bug and propagates.
 */
export async function main(argv: string[], io: Output = {}): Promise<void> {
  const out = io.out ?? ((t: string) => void process.stdout.write(t));
  const err = io.err ?? ((t: string) => void process.stderr.write(t));
  let options: AccuracyOptions;
  try {
    options = parseArgs(argv, out);
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed') return;
    const message = error instanceof CommanderError ? error.message.replace(/^error: /, '') : (error as Error).message;
    err(`accuracy: ${message}\n`);
    process.exitCode = 2;
    return;
  }
  let dataset: Dataset;
  try {
    ({ dataset } = await loadDataset(parseSource(options.data)));
  } catch (error) {
    err(`accuracy: cannot load ${options.data}: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const rows: AccuracyRow[] = [];
  try {
    for await (const row of runAccuracy(options, dataset)) {
      if (options.json) out(`${JSON.stringify(row)}\n`);
      rows.push(row);
    }
  } catch (error) {
    if (!(error instanceof ModelParamsError)) throw error;
    err(`accuracy: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (!options.json) out(`${formatTable(rows, options.k)}\n`);
}
