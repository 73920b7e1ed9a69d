/**
 * EASE's inverse alone: `npm run -s bench -- inverse [--items 9742] [--users 610]
 *   [--per-user 165] [--reg 600] [--threads 2] [--seed 1] [--reference] [--json]`
 * Builds an EASE Gram matrix XᵀX + λI from random binary interactions (each user rates
 * --per-user distinct items, uniform), the way the fit does (lib/models/ease/train.ts:
 * spdMatrix, easeGram's sums), and times blockedSpdInverse on it (on --threads threads
 * whatever the size, unlike invertSpd): seconds, G multiply-adds per second
 * (n³/2 of them), and max |A A⁻¹ − I| over three rows. `--reference` times the plain JS
 * spdInverse instead. The defaults are ml-latest-small's shape.
 */
import { createRng } from '../../lib/data/random';
import { spdInverse } from '../../lib/math/linalg/spd-inverse';
import { blockedSpdInverse, spdMatrix, usesBlockedPath } from '../../lib/models/ease/blocked-inverse';
import { BenchError, benchCommand, nonNegativeInt, positiveInt } from './support/cli';
import { round } from './support/stats';

interface InverseOptions {
  items: number;
  users: number;
  perUser: number;
  reg: number;
  threads: number;
  seed: number;
  reference?: boolean;
  json?: boolean;
}

const positiveNumber = (value: string): number => {
  const x = Number(value);
  if (!(x > 0) || !Number.isFinite(x)) throw new BenchError(`expected a positive number, got '${value}'`);
  return x;
};

export function parseInverseArgs(argv: string[]): InverseOptions {
  const o = benchCommand('inverse')
    .option('--items <n>', 'matrix side (movies)', positiveInt, 9742)
    .option('--users <n>', 'users of the random interactions', positiveInt, 610)
    .option('--per-user <n>', 'distinct items per user', positiveInt, 165)
    .option('--reg <x>', 'λ on the diagonal', positiveNumber, 600)
    .option('--threads <n>', 'threads', positiveInt, 2)
    .option('--seed <n>', 'seed', nonNegativeInt, 1)
    .option('--reference', 'time the plain JS spdInverse instead')
    .option('--json', 'print JSON only')
    .parse(argv, { from: 'user' })
    .opts<InverseOptions>();
  if (o.perUser > o.items) throw new BenchError(`--per-user ${o.perUser} is more than --items ${o.items}`);
  return o;
}

/** XᵀX + λI of `users` random users who each rated `perUser` distinct items, into G. */
function randomGram(G: Float64Array, o: InverseOptions): void {
  const n = o.items;
  const rng = createRng(o.seed);
  const picked = new Uint8Array(n);
  const items = new Int32Array(o.perUser);
  for (let u = 0; u < o.users; u++) {
    picked.fill(0);
    for (let k = 0; k < o.perUser; ) {
      const i = rng.nextInt(n);
      if (!picked[i]) (picked[i] = 1), (items[k++] = i);
    }
    for (const a of items) for (const b of items) G[a * n + b] += 1;
  }
  for (let i = 0; i < n; i++) G[i * n + i] += o.reg;
}

export interface InverseReport {
  items: number;
  threads: number;
  path: 'blocked' | 'reference';
  seconds: number;
  gMultiplyAddsPerSecond: number;
  maxResidual: number;
}

export async function runInverse(o: InverseOptions): Promise<InverseReport> {
  const n = o.items;
  const blocked = !o.reference && usesBlockedPath(n);
  const G = blocked ? spdMatrix(n) : new Float64Array(n * n);
  randomGram(G, o);
  const rows = [0, n >> 1, n - 1];
  const kept = rows.map((r) => G.slice(r * n, (r + 1) * n));
  const started = performance.now();
  const P = blocked ? await blockedSpdInverse(G, n, { threads: o.threads }) : spdInverse(G, n);
  const seconds = (performance.now() - started) / 1000;
  let maxResidual = 0;
  rows.forEach((r, k) => {
    const row = kept[k]!;
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += row[j]! * P[j * n + b]!;
      maxResidual = Math.max(maxResidual, Math.abs(s - (r === b ? 1 : 0)));
    }
  });
  return {
    items: n,
    threads: blocked ? o.threads : 1,
    path: blocked ? 'blocked' : 'reference',
    seconds: round(seconds, 3),
    gMultiplyAddsPerSecond: round(n ** 3 / 2 / seconds / 1e9, 2),
    maxResidual,
  };
}

export async function main(argv: string[], out: (text: string) => void = (t) => void process.stdout.write(t)): Promise<void> {
  const o = parseInverseArgs(argv);
  const r = await runInverse(o);
  if (o.json) out(`${JSON.stringify(r)}\n`);
  else
    out(
      `inverse of ${r.items} x ${r.items} (${r.path}, ${r.threads} thread${r.threads > 1 ? 's' : ''}): ${r.seconds} s, ` +
        `${r.gMultiplyAddsPerSecond} G multiply-adds/s, max |A A⁻¹ − I| ${r.maxResidual.toExponential(1)}\n`,
    );
}
