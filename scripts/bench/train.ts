/**
 * Training speed: `npm run -s bench -- train [--input FILE | --shape ml20m | --users N --movies N --per-user N]
 *   [--model svd|nsvd|ials] [--dim 64] [--epochs 3] [--threads 2] [--seed 1] [--json]`
 * Trains on the whole set (no test split, so every epoch is pure training) and prints
 * secondsPerEpoch (median), epochSeconds, ratingsPerSecond, peakRssMB (whole process,
 * loading included), and the setup. Defaults: the PoC's synthetic set, 1M users x 1,000
 * movies x 30 ratings, uniform; `--shape ml20m` the ML-20M-shaped Zipf set of
 * support/zipf-set.ts; `--input` a ratings file read through lib/data/parse.
 *
 * `--vs libmf|implicit [--peers DIR] [--runs 3]` compares with a peer built
 * outside the repo (LIBMF for svd, implicit for ials), in turns: see support/train-vs.ts.
 */
import { Option } from 'commander';
import type { Dataset } from '../../lib/data/dataset';
import { ModelParamsError } from '../../lib/models/params';
import { fitModel, getModel, MODEL_KINDS } from '../../lib/models/registry';
import { BenchError, benchCommand, nonNegativeInt, positiveInt } from './support/cli';
import { PEERS } from './support/peer';
import { loadTrainData, type TrainDataOptions } from './support/train-data';
import { median, round } from './support/stats';
import { formatVsReport } from './support/vs-report';
import { runTrainVs } from './support/train-vs';

interface TrainOptions extends TrainDataOptions {
  model: string;
  dim: number;
  epochs: number;
  threads: number;
  vs?: string;
  peers?: string;
  runs: number;
  json?: boolean;
}

export function parseTrainArgs(argv: string[]): TrainOptions {
  const command = benchCommand('train')
    .option('--input <file>', 'ratings file (.dat, u.data, csv)')
    .addOption(new Option('--shape <name>', 'a generated shape instead of the PoC set').choices(['ml20m']))
    .option('--users <n>', 'synthetic users', positiveInt, 1_000_000)
    .option('--movies <n>', 'synthetic movies', positiveInt, 1000)
    .option('--per-user <n>', 'synthetic ratings per user', positiveInt, 30)
    .addOption(new Option('--model <kind>', 'model').choices(MODEL_KINDS).default('svd'))
    .option('--dim <n>', 'factors', positiveInt, 64)
    .option('--epochs <n>', 'epochs', positiveInt, 3)
    .option('--threads <n>', 'threads', positiveInt, 2)
    .option('--seed <n>', 'seed', nonNegativeInt, 1)
    .addOption(new Option('--vs <peer>', 'also run a peer on --input, in turns with ours').choices(Object.keys(PEERS)))
    .option('--peers <dir>', 'the folder the peers were built into (default: PEERS_DIR)')
    .option('--runs <n>', 'pairs of turns with --vs', positiveInt, 3)
    .option('--json', 'print JSON only')
    .parse(argv, { from: 'user' });
  const o = command.opts<TrainOptions>();
  if (!o.vs && (o.peers !== undefined || command.getOptionValueSource('runs') === 'cli')) throw new BenchError('--peers and --runs go with --vs');
  return o;
}

export async function main(argv: string[]): Promise<void> {
  const o = parseTrainArgs(argv);
  if (o.vs) {
    const say = (line: string) => {
      if (!o.json) console.error(line);
    };
    const report = await runTrainVs({ ...o, vs: o.vs, peers: o.peers }, say);
    console.log(o.json ? JSON.stringify(report) : formatVsReport(report));
    return;
  }

  const loadStart = performance.now();
  let data: Dataset | undefined = await loadTrainData(o);
  const { name: dataset, size: ratings } = data;
  const loadSeconds = (performance.now() - loadStart) / 1000;

  // Epoch times from the curve's clock, which starts after setup (blocking, workers).
  const epochSeconds: number[] = [];
  let lastMs = 0;
  const fitStart = performance.now();
  const model = getModel(o.model);
  // No test set is passed, so nothing stops early: every epoch runs.
  const fitting = (async () =>
    fitModel(model, data!, model.training.resolve({ dim: o.dim, epochs: o.epochs }), {
      threads: o.threads,
      seed: o.seed,
      onProgress: (p) => {
        epochSeconds.push((p.elapsedMs - lastMs) / 1000);
        lastMs = p.elapsedMs;
        if (!o.json) console.error(`epoch ${epochSeconds.length}: ${epochSeconds.at(-1)!.toFixed(2)} s`);
      },
    }))();
  // Handed over: with no reference left here, the fit can free the ratings once it has its own tables (release-memory.ts).
  data = undefined;
  await fitting.catch((error: unknown) => {
    // A param the kind does not take (EASE has no epochs), or data it does not learn from.
    if (error instanceof ModelParamsError) throw new BenchError(`--model ${o.model}: ${error.message}`);
    throw error;
  });
  const fitSeconds = (performance.now() - fitStart) / 1000;
  const secondsPerEpoch = median(epochSeconds);
  const result = {
    model: o.model,
    dataset,
    ratings,
    dim: o.dim,
    threads: o.threads,
    epochs: epochSeconds.length,
    secondsPerEpoch: round(secondsPerEpoch, 6),
    epochSeconds: epochSeconds.map((s) => round(s, 6)),
    ratingsPerSecond: Math.round(ratings / secondsPerEpoch),
    setupSeconds: round(fitSeconds - epochSeconds.reduce((a, b) => a + b, 0)),
    loadSeconds: round(loadSeconds),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(o.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
}
