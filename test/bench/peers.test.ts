import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchError } from '../../scripts/bench/support/cli';
import { runFailure, vmHwmKiB, type ChildRun, type TimedLine } from '../../scripts/bench/support/measured-child';
import { getPeer, peersDir } from '../../scripts/bench/support/peer';
import { implicit, implicitSecondsPerIteration } from '../../scripts/bench/support/peer-implicit';
import { libmf, libmfIterationGaps } from '../../scripts/bench/support/peer-libmf';

/** mf-train's output as it prints it, each line with an arrival time. */
const libmfOutput = (times: number[]): TimedLine[] => [
  { text: 'iter      tr_rmse          obj', atMs: times[0]! },
  ...times.map((atMs, k) => ({ text: `${String(k).padStart(4)}${(1.3 - k / 10).toFixed(4).padStart(13)}   2.4135e+05`, atMs })),
];

const run = (stdout: TimedLine[], extra: Partial<ChildRun> = {}): ChildRun => ({
  exitCode: 0,
  signal: null,
  stdout,
  stderrTail: '',
  peakRssMB: 10,
  ...extra,
});

const settings = { dim: 64, epochs: 4, threads: 2 };

describe('LIBMF output', () => {
  it('gives the gaps between consecutive iteration lines, in seconds, skipping the header', () => {
    expect(libmfIterationGaps(libmfOutput([1000, 1500, 2250, 2750]))).toEqual([0.5, 0.75, 0.5]);
  });

  it('takes the median gap, and wants one line per epoch', () => {
    expect(libmf.secondsPerIteration(run(libmfOutput([0, 400, 1000, 1300])), settings)).toBeCloseTo(0.4, 9);
    expect(() => libmf.secondsPerIteration(run(libmfOutput([0, 400])), settings)).toThrow(/2 iteration lines, expected 4/);
  });

  it('refuses iterations out of order and ignores lines that are not iterations', () => {
    const lines = libmfOutput([0, 100, 200]);
    expect(() => libmfIterationGaps([lines[0]!, lines[1]!, lines[3]!])).toThrow(/iteration 2 after 0/);
    expect(libmfIterationGaps([{ text: 'warning: train on an empty training set', atMs: 5 }, ...lines])).toEqual([0.1, 0.1]);
  });
});

describe('implicit output', () => {
  it('reads secondsPerIteration from the runner\'s JSON line', () => {
    const line = JSON.stringify({ peer: 'implicit', nnz: 100000, secondsPerIteration: 0.069, runs: [0.069, 0.078], peakRssMB: 58 });
    expect(implicitSecondsPerIteration(line)).toBe(0.069);
    expect(implicit.secondsPerIteration(run([{ text: 'noise', atMs: 0 }, { text: line, atMs: 1 }]), settings)).toBe(0.069);
  });

  it('says what it got when there is no figure', () => {
    expect(() => implicitSecondsPerIteration('Traceback (most recent call last):')).toThrow(/printed no JSON: Traceback/);
    expect(() => implicitSecondsPerIteration('{"secondsPerIteration": 0}')).toThrow(/no secondsPerIteration/);
    expect(() => implicitSecondsPerIteration(undefined)).toThrow(BenchError);
  });
});

describe('finding the peers', () => {
  const empty = mkdtempSync(join(tmpdir(), 'peers-test-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('takes --peers over PEERS_DIR, and explains how to build when neither is given', () => {
    expect(peersDir('a', { PEERS_DIR: 'b' })).toBe('a');
    expect(peersDir(undefined, { PEERS_DIR: 'b' })).toBe('b');
    expect(() => peersDir(undefined, {})).toThrow(/--peers DIR or set PEERS_DIR.*build-libmf\.sh DIR\/libmf/);
  });

  it('says how to build a peer that is not in the folder', () => {
    expect(() => libmf.command(empty, 'in.txt', empty, settings)).toThrow(new RegExp(`build-libmf\\.sh ${join(empty, 'libmf')}`));
    expect(() => implicit.command(empty, 'in.txt', empty, settings)).toThrow(/build-implicit\.sh .*cp implicit-als\.py/);
    expect(getPeer('libmf').comparesWith).toBe('svd');
    expect(getPeer('implicit').comparesWith).toBe('ials');
  });
});

describe('child runs', () => {
  it('reads VmHWM from /proc/PID/status text', () => {
    expect(vmHwmKiB('Name:\tmf-train\nVmPeak:\t  900 kB\nVmHWM:\t   65432 kB\nVmRSS:\t 100 kB\n')).toBe(65432);
    expect(vmHwmKiB('Name:\tzombie\nState:\tZ (zombie)\n')).toBeUndefined();
  });

  it('explains a failure by its last stderr line, else its last stdout line', () => {
    expect(runFailure('libmf', run([]))).toBeUndefined();
    expect(runFailure('implicit', run([], { exitCode: 1, stderrTail: 'Traceback\n  ...\nModuleNotFoundError: numpy\n' }))).toBe(
      'implicit exited with code 1: ModuleNotFoundError: numpy',
    );
    expect(runFailure('libmf', run([{ text: 'cannot open in.txt', atMs: 0 }], { exitCode: 1 }))).toBe('libmf exited with code 1: cannot open in.txt');
    expect(runFailure('ours', run([], { exitCode: null, signal: 'SIGKILL' }))).toBe('ours was killed by SIGKILL');
  });
});
