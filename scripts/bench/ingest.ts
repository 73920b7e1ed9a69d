/**
 * `npm run bench -- ingest [--input FILE] [--lines N] [--users N] [--ids int|string] [--runs R] [--threads N]
 *   [--chunk BYTES] [--size-hint N|auto] [--huge-pages on|off] [--json]`
 *
 * Parses a ratings file as the product reads a local file, through parseRatingsFile
 * (a large file with integer ids in ranges on --threads threads, default the cores up
 * to 4; `--threads 1`: one stream through parseRatings, in --chunk reads) and reports
 * lines, seconds, linesPerSecond and peakRssMB (median of the runs), plus the median
 * process CPU seconds and the 1-minute load average, since wall time on a shared
 * machine says little on its own: with --json as one JSON object on stdout, otherwise
 * a summary in words (each run's progress goes to stderr either way). Without --input,
 * writes a temporary synthetic .dat of N lines (default 30,000,000, about 750 MB) in
 * the ML-1M shape `user::item::rating::timestamp` (`--users` distinct users, default
 * 200,000; `--ids string` writes them as `u-<n>`, string ids), and deletes it afterwards.
 * `duplicateSeconds` is the part spent finding and resolving repeated (user, item) pairs;
 * `userIdMapMB` what the user id map holds (ByteIds for string ids).
 * --size-hint auto (the default) passes file bytes / 6, an upper bound on the number of
 * lines, as a caller that knows the file size would; --size-hint 0 passes none.
 *
 * --huge-pages on re-runs the measurement in a child process with
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc >= 2.35), so the big typed arrays get
 * transparent huge pages, which saves first-touch page faults of the 360 MB of result
 * arrays on a busy VM. The default, off, measures the process as the product runs it.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, openSync, writeSync, closeSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { parseRatings, parseRatingsFile } from '../../lib/data/parse';
import { createRng } from '../../lib/data/random';
import { benchCommand, nonNegativeInt, positiveInt } from './support/cli';
import { median } from './support/stats';

/** Writes `lines` synthetic ratings lines with a hand-rolled digit writer into a big buffer. */
export function writeSyntheticDat(path: string, lines: number, seed: number, users: number, stringIds: boolean): void {
  const rng = createRng(seed);
  const buffer = Buffer.allocUnsafe(1 << 24);
  const fd = openSync(path, 'w');
  let at = 0;
  const putInt = (value: number): void => {
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
    for (let k = at + digits - 1; k >= at; k--) {
      buffer[k] = 48 + (value % 10);
      value = Math.floor(value / 10);
    }
    at += digits;
  };
  const putSep = (): void => {
    buffer[at++] = 58;
    buffer[at++] = 58;
  };
  for (let i = 0; i < lines; i++) {
    if (at > buffer.length - 64) {
      writeSync(fd, buffer, 0, at);
      at = 0;
    }
    if (stringIds) {
      buffer[at++] = 117; // 'u'
      buffer[at++] = 45; // '-'
    }
    putInt(1 + rng.nextInt(users));
    putSep();
    putInt(1 + rng.nextInt(60_000));
    putSep();
    putInt(1 + rng.nextInt(5));
    putSep();
    putInt(956_703_932 + rng.nextInt(100_000_000));
    buffer[at++] = 10;
  }
  writeSync(fd, buffer, 0, at);
  closeSync(fd);
}

interface IngestOptions {
  input?: string;
  lines: number;
  runs: number;
  threads?: number;
  chunk: number;
  sizeHint: number | 'auto';
  hugePages: 'on' | 'off';
  users: number;
  ids: 'int' | 'string';
  json?: boolean;
}

const sizeHintArg = (value: string): number | 'auto' => {
  if (value === 'auto') return value;
  try {
    return nonNegativeInt(value);
  } catch {
    throw new InvalidArgumentError("Expected a count or 'auto'.");
  }
};

export function parseIngestArgs(argv: string[]): IngestOptions {
  return benchCommand('ingest')
    .option('--input <file>', 'ratings file (default: a temporary synthetic .dat)')
    .option('--lines <n>', 'synthetic lines', positiveInt, 30_000_000)
    .option('--users <n>', 'synthetic distinct users', positiveInt, 200_000)
    .addOption(new Option('--ids <kind>', 'synthetic user ids').choices(['int', 'string']).default('int'))
    .option('--runs <n>', 'parses (the median is reported)', positiveInt, 3)
    .option('--threads <n>', 'parse threads (default: the cores, at most 4; 1 = one stream)', positiveInt)
    .option('--chunk <bytes>', 'read stream highWaterMark', positiveInt, 1 << 20)
    .option('--size-hint <n>', "expected lines passed to the parser; 'auto' = file bytes / 6, 0 = none", sizeHintArg, 'auto')
    .addOption(new Option('--huge-pages <mode>', 'rerun with glibc.malloc.hugetlb=1').choices(['on', 'off']).default('off'))
    .option('--json', 'one JSON object on stdout')
    .parse(argv, { from: 'user' })
    .opts<IngestOptions>();
}

export async function main(argv: string[]): Promise<void> {
  const o = parseIngestArgs(argv);
  const say = (line: string) => void process.stderr.write(`${line}\n`);
  const tunable = 'glibc.malloc.hugetlb=1';
  const hugePages = process.env.GLIBC_TUNABLES?.includes(tunable) ?? false;
  if (o.hugePages === 'on' && !hugePages) {
    // Tunables are read at process start: run this same command again with it set.
    const tunables = [process.env.GLIBC_TUNABLES, tunable].filter(Boolean).join(':');
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, GLIBC_TUNABLES: tunables },
    });
    process.exitCode = child.status ?? 1;
    return;
  }
  let dir: string | undefined;
  let input = o.input;
  try {
    if (!input) {
      dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
      input = join(dir, 'ratings.dat');
      const started = performance.now();
      writeSyntheticDat(input, o.lines, 42, o.users, o.ids === 'string');
      say(`wrote ${o.lines} lines (${(statSync(input).size / 1e6).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const sizeHint = o.sizeHint === 'auto' ? Math.ceil(statSync(input).size / 6) : o.sizeHint;
    const seconds: number[] = [];
    const duplicateSeconds: number[] = [];
    const cpuSeconds: number[] = [];
    let lines = 0;
    let userIdMapBytes = 0;
    let peakRss = process.memoryUsage.rss();
    for (let run = 0; run < o.runs; run++) {
      globalThis.gc?.();
      const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      const options = { name: input, ...(sizeHint ? { sizeHint } : {}) };
      const result =
        o.threads === 1
          ? await parseRatings(createReadStream(input, { highWaterMark: o.chunk }), options)
          : await parseRatingsFile(input, { ...options, ...(o.threads ? { threads: o.threads } : {}) });
      const elapsed = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuStart);
      cpuSeconds.push((cpu.user + cpu.system) / 1e6);
      clearInterval(timer);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      lines = result.lines;
      userIdMapBytes = result.dataset.userIds.byteLength;
      seconds.push(elapsed);
      duplicateSeconds.push(result.duplicateSeconds);
      say(
        `run ${run + 1}: ${elapsed.toFixed(2)} s (duplicates ${result.duplicateSeconds.toFixed(2)} s, ${result.duplicates.pairs} pairs; cpu ${cpuSeconds[run]!.toFixed(2)} s), ${result.dataset.size} ratings, ${result.dataset.userIds.size} users, ${result.dataset.itemIds.size} items`,
      );
    }
    const s = median(seconds);
    const report = {
      lines,
      threads: o.threads ?? Math.min(4, os.availableParallelism()),
      seconds: +s.toFixed(3),
      duplicateSeconds: +median(duplicateSeconds).toFixed(3),
      linesPerSecond: Math.round(lines / s),
      peakRssMB: Math.round(peakRss / 2 ** 20),
      userIdMapMB: +(userIdMapBytes / 2 ** 20).toFixed(1),
      cpuSeconds: +median(cpuSeconds).toFixed(3),
      mallocHugePages: hugePages,
      loadAverage: +os.loadavg()[0]!.toFixed(2),
    };
    if (o.json) console.log(JSON.stringify(report));
    else {
      console.log(
        `ingest: ${report.lines.toLocaleString('en')} lines in ${report.seconds} s, median of ${o.runs} (${report.linesPerSecond.toLocaleString('en')} lines/s; ` +
          `duplicates ${report.duplicateSeconds} s), cpu ${report.cpuSeconds} s`,
      );
      console.log(`peak RSS ${report.peakRssMB} MB; malloc huge pages ${hugePages ? 'on' : 'off'}; load average ${report.loadAverage}`);
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
