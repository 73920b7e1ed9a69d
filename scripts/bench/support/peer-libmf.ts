/**
 * LIBMF's `mf-train` (built by the peers folder's `build-libmf.sh DIR/libmf`), squared
 * loss with its default learning rate and regularisation, `-k dim -t epochs -s threads`.
 *
 * LIBMF prints no times. It prints one line per iteration and flushes it the moment the
 * iteration's last block is done (the workers wait while it prints); its header line is
 * not flushed, so it arrives together with iteration 0's. Seconds per iteration are
 * therefore the gaps between consecutive iteration lines as they arrive here, which are
 * iterations 2..N (loading, setup and iteration 1 are left out), and need --epochs >= 2.
 * Each gap also holds LIBMF's sum of the regularisers for the objective it prints, one
 * pass over the factors, as our epochs hold our epoch error. The bench takes our epochs
 * 2..N too, so both sides leave out the first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from './cli';
import type { TimedLine } from './measured-child';
import type { Peer } from './peer';
import { median } from './stats';

const ITERATION_LINE = /^\s*(\d+)\s+-?\d+\.\d+(?:\s|$)/;

/** Seconds between consecutive iteration lines of mf-train's output (a header and other lines are skipped). */
export function libmfIterationGaps(lines: readonly TimedLine[]): number[] {
  const gaps: number[] = [];
  let previous: { iteration: number; atMs: number } | undefined;
  for (const line of lines) {
    const m = ITERATION_LINE.exec(line.text);
    if (!m) continue;
    const iteration = Number(m[1]);
    if (previous && iteration !== previous.iteration + 1) {
      throw new BenchError(`LIBMF printed iteration ${iteration} after ${previous.iteration}`, 1);
    }
    if (previous) gaps.push((line.atMs - previous.atMs) / 1000);
    previous = { iteration, atMs: line.atMs };
  }
  return gaps;
}

export const libmf: Peer = {
  name: 'libmf',
  comparesWith: 'svd',
  describe: (s) => `LIBMF mf-train (AVX build) -k ${s.dim} -t ${s.epochs} -s ${s.threads}, squared loss, its default learning rate and regularisation`,
  measure: 'median gap between consecutive iteration lines of mf-train as they arrive (iterations 2..N)',
  command(peersDir, inputFile, workDir, s) {
    const binary = join(peersDir, 'libmf', 'mf-train');
    if (!existsSync(binary)) {
      throw new BenchError(`LIBMF is not built: no ${binary}; build it with the peers folder's build-libmf.sh ${join(peersDir, 'libmf')} (needs g++)`);
    }
    const args = ['-k', String(s.dim), '-t', String(s.epochs), '-s', String(s.threads), inputFile, join(workDir, 'libmf.model')];
    return { command: binary, args, env: process.env };
  },
  secondsPerIteration(run, s) {
    const gaps = libmfIterationGaps(run.stdout);
    if (gaps.length !== s.epochs - 1) {
      throw new BenchError(`LIBMF printed ${gaps.length + 1} iteration lines, expected ${s.epochs}: ${run.stdout.at(-1)?.text ?? 'nothing'}`, 1);
    }
    return median(gaps);
  },
};
