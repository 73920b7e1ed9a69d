/**
 * implicit 0.7.3's CPU ALS through the peers folder's runner `implicit-als.py`: conjugate
 * gradient, 3 CG steps, float32, `--factors dim --threads threads`, OPENBLAS_NUM_THREADS=1
 * (its threads are its own OpenMP ones; OpenBLAS threads on top make it about 8x slower).
 * Built with `build-implicit.sh DIR/implicit`, and the runner copied beside it as
 * DIR/implicit-als.py (it lives in the peers folder, not in the build).
 *
 * Seconds per iteration are the runner's own: (fit of 4 iterations - fit of 1) / 3, which
 * leaves out setup, the better of 2; it runs that fixed count, so --epochs does not apply.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from './cli';
import type { Peer } from './peer';

/** The Debian interpreter the build script compiles against (numpy and scipy from apt); PEERS_PYTHON overrides. */
const PYTHON = process.env.PEERS_PYTHON ?? '/usr/bin/python3';

/** Whether the build's compiled ALS extension is there (the build copies the sources first, so the folder alone says nothing). */
const isBuilt = (build: string): boolean => {
  const cpu = join(build, 'implicit', 'cpu');
  return existsSync(cpu) && readdirSync(cpu).some((f) => f.startsWith('_als.') && f.endsWith('.so'));
};

/** secondsPerIteration of the runner's JSON line (its last stdout line). */
export function implicitSecondsPerIteration(lastLine: string | undefined): number {
  let report: unknown;
  try {
    report = JSON.parse(lastLine ?? '');
  } catch {
    throw new BenchError(`implicit-als.py printed no JSON: ${lastLine ?? 'nothing'}`, 1);
  }
  const seconds = (report as { secondsPerIteration?: unknown } | null)?.secondsPerIteration;
  if (typeof seconds !== 'number' || !(seconds > 0)) throw new BenchError(`implicit-als.py gave no secondsPerIteration: ${lastLine}`, 1);
  return seconds;
}

export const implicit: Peer = {
  name: 'implicit',
  comparesWith: 'ials',
  describe: (s) => `implicit 0.7.3 CPU ALS, CG 3 steps, factors ${s.dim}, ${s.threads} threads, OPENBLAS_NUM_THREADS=1, float32`,
  measure: "implicit-als.py's (fit(4 iterations) - fit(1)) / 3, the better of 2 (independent of --epochs)",
  command(peersDir, inputFile, _workDir, s) {
    const build = join(peersDir, 'implicit');
    const runner = join(peersDir, 'implicit-als.py');
    if (!isBuilt(build) || !existsSync(runner)) {
      throw new BenchError(
        `implicit is not built in ${peersDir}: from the peers folder run build-implicit.sh ${build} and cp implicit-als.py ${peersDir}/ (needs python3, cython3, numpy, scipy)`,
      );
    }
    return {
      command: PYTHON,
      args: [runner, inputFile, '--factors', String(s.dim), '--threads', String(s.threads)],
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', PYTHONPATH: build },
    };
  },
  secondsPerIteration: (run) => implicitSecondsPerIteration(run.stdout.at(-1)?.text),
};
