/**
 * `npm run tune -- --model KIND --data PATH [flags]`: the nested search that chooses a
 * kind's defaults, over the grid in the kind's own train.ts (lib/eval/tuning.ts says how).
 * Progress goes to stderr; the result (a table, or one JSON object with --json) to stdout.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { loadDataset, parseSource } from '../lib/data/sources';
import { nestedTune, type TuneReport } from '../lib/eval/tuning';
import { ModelParamsError } from '../lib/models/params';
import { getModel, MODEL_KINDS } from '../lib/models/registry';
import { parseGridFlag, parseParamFlag } from './support/param-flags';

const positiveInt = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};

interface TuneFlags {
  model: string;
  data: string;
  outer: number;
  inner: number;
  seed: number;
  threads?: number;
  param: Record<string, unknown>;
  grid: Record<string, (number | string)[]>;
  json?: boolean;
}

function parseArgs(argv: string[]): TuneFlags {
  return new Command('tune')
    .description('Nested cross-validation over a model kind\'s grid: the search that chose its defaults.')
    .requiredOption('--model <kind>', `model: ${MODEL_KINDS.join('|')}`)
    .requiredOption('--data <source>', 'data source: a ratings file or MovieLens folder, ml-100k, s3://..., synthetic:...')
    .option('--outer <n>', 'outer folds (scored, never used to choose)', positiveInt('--outer', 2), 3)
    .option('--inner <n>', 'inner folds (used to choose)', positiveInt('--inner', 2), 3)
    .option('--seed <n>', 'seed of every split', positiveInt('--seed', 0), 1)
    .option('--threads <n>', 'training threads', positiveInt('--threads', 1))
    .option('--param <key=value>', 'hold a param fixed during the search (repeatable)', parseParamFlag, {})
    .option('--grid <key=v1,v2>', "search these values of a key; the grid is then only the keys given (repeatable)", parseGridFlag, {})
    .option('--json', 'print the report as one JSON object')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .parse(argv, { from: 'user' })
    .opts<TuneFlags>();
}

function formatReport(r: TuneReport): string {
  const lines = [
    `${r.model} on ${r.dataset}: ${r.gridSize} grid points, ${r.outerFolds} outer x ${r.innerFolds} inner folds, seed ${r.seed}, ${r.seconds.toFixed(0)} s`,
    'outer fold  chosen  inner ' + r.metric + '  outer ' + r.metric,
    ...r.outer.map((f) => `${f.fold}  ${JSON.stringify(f.chosen)}  ${f.innerScore.toFixed(4)}  ${f.outerScore.toFixed(4)}`),
    `nested estimate: ${r.metric} ${r.nestedMean.toFixed(4)} ± ${r.nestedStd.toFixed(4)}`,
    `recommended defaults (search on all data): ${JSON.stringify(r.final.best)}, inner ${r.metric} ${r.final.score.toFixed(4)}`,
  ];
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  let flags: TuneFlags;
  try {
    flags = parseArgs(argv);
    getModel(flags.model);
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed') return;
    const message = error instanceof CommanderError ? error.message.replace(/^error: /, '') : (error as Error).message;
    process.stderr.write(`tune: ${message}\n`);
    process.exitCode = 2;
    return;
  }
  const { dataset } = await loadDataset(parseSource(flags.data));
  try {
    const report = await nestedTune(getModel(flags.model), dataset, {
      outerFolds: flags.outer,
      innerFolds: flags.inner,
      seed: flags.seed,
      fixed: flags.param,
      ...(Object.keys(flags.grid).length > 0 ? { grid: flags.grid } : {}),
      ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
      onProgress: (message) => process.stderr.write(`${message}\n`),
    });
    process.stdout.write(`${flags.json ? JSON.stringify(report) : formatReport(report)}\n`);
  } catch (error) {
    if (!(error instanceof ModelParamsError)) throw error;
    process.stderr.write(`tune: ${error.message}\n`);
    process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`tune: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
