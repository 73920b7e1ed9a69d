/**
 * Surprise 1.1.4's SVD and SVD++ (defaults, seeded) on the very folds `bench accuracy`'s
 * kfold protocol makes (lib/data/splits kFold, same seed), through the repo's own runner
 * surprise-folds.py and a Surprise build (the peers folder's build-surprise.sh DIR/surprise).
 * Surprise fits each fold's whole training part; our models leave the early-stopping share out.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../../../lib/data/dataset';
import { kFold } from '../../../lib/data/splits';
import { BenchError } from './cli';
import { runFailure, runMeasured } from './measured-child';

const PYTHON = process.env.PEERS_PYTHON ?? '/usr/bin/python3';
const RUNNER = fileURLToPath(new URL('./surprise-folds.py', import.meta.url));

export const SURPRISE_ALGOS = ['svd', 'svdpp'] as const;
export type SurpriseAlgo = (typeof SURPRISE_ALGOS)[number];

export interface SurpriseFolds {
  rmse: number[];
  mae: number[];
  fitSeconds: number[];
}

/** Whether the build's compiled extensions are there (the build copies the sources first). */
function isBuilt(build: string): boolean {
  const pkg = join(build, 'surprise');
  return existsSync(pkg) && readdirSync(pkg).some((f) => f.endsWith('.so'));
}

export function surpriseBuild(peersDir: string): string {
  const build = join(peersDir, 'surprise');
  if (!isBuilt(build)) {
    throw new BenchError(`Surprise is not built in ${peersDir}: from the peers folder run build-surprise.sh ${build} (needs python3, cython3, numpy, scipy)`);
  }
  return build;
}

const line = (d: Dataset, r: number): string => `${d.userIds.external(d.users[r]!)}\t${d.itemIds.external(d.items[r]!)}\t${d.ratings[r]}\n`;

async function writeFold(path: string, d: Dataset): Promise<void> {
  const lines: string[] = [];
  for (let r = 0; r < d.size; r++) lines.push(line(d, r));
  await writeFile(path, lines.join(''));
}

/** Runs `algo` on the `folds` folds of `dataset` for `seed`; resolves with each fold's figures. */
export async function runSurpriseFolds(build: string, algo: SurpriseAlgo, dataset: Dataset, folds: number, seed: number): Promise<SurpriseFolds> {
  const dir = await mkdtemp(join(tmpdir(), 'surprise-folds-'));
  try {
    const files: string[] = [];
    for (const [f, { train, test }] of kFold(dataset, folds, seed).entries()) {
      const [trainFile, testFile] = [join(dir, `train-${f}.tsv`), join(dir, `test-${f}.tsv`)];
      await writeFold(trainFile, train);
      await writeFold(testFile, test);
      files.push(trainFile, testFile);
    }
    const params = JSON.stringify({ random_state: seed });
    const args = [RUNNER, algo, params, String(dataset.scale.min), String(dataset.scale.max), ...files];
    const run = await runMeasured(PYTHON, args, { ...process.env, PYTHONPATH: build });
    const failure = runFailure(`surprise-folds.py ${algo}`, run);
    if (failure) throw new BenchError(failure, 1);
    return JSON.parse(run.stdout.at(-1)?.text ?? '') as SurpriseFolds;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
