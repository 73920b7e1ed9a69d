/**
 * `npm run generate -- --users 1000000 --movies 1000 --per-user 30 --seed 7 --out FILE [--planted]`
 * Writes synthetic ratings in MovieLens .dat format (and movies.dat beside them with
 * --titles, the default for --planted), then prints a JSON summary on stdout.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { resolveSyntheticSpec, writeSyntheticDat } from '../lib/data/synthetic';
import { DataError } from '../lib/data/errors';

const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
};
const number = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('not a number');
  return n;
};

const program = new Command('generate')
  .description('Write synthetic ratings as MovieLens .dat (user::movie::rating::timestamp)')
  .option('--users <n>', 'number of users', integer, 1_000_000)
  .option('--movies <n>', 'number of movies', integer, 1_000)
  .option('--per-user <n>', 'ratings per user (uniform: exact; planted: mean of a long tail)', integer, 30)
  .option('--seed <n>', 'random seed', integer, 7)
  .option('--out <file>', 'ratings file to write', '.local/data/synthetic/ratings.dat')
  .option('--planted', 'ratings from a hidden low-rank model instead of uniform noise', false)
  .option('--dim <n>', 'planted rank', integer)
  .option('--noise <std>', 'planted noise std before rounding', number)
  .option('--taste <x>', 'planted: how strongly taste decides which movies a user rates (0 = popularity only)', number)
  .option('--titles', 'also write movies.dat with generated titles (default with --planted)')
  .option('--no-titles', 'do not write movies.dat')
  .action(async (opts: {
    users: number; movies: number; perUser: number; seed: number; out: string; planted: boolean;
    dim?: number; noise?: number; taste?: number; titles?: boolean;
  }) => {
    const spec = resolveSyntheticSpec({
      users: opts.users,
      movies: opts.movies,
      perUser: opts.perUser,
      seed: opts.seed,
      mode: opts.planted ? 'planted' : 'uniform',
      ...(opts.dim !== undefined ? { dim: opts.dim } : {}),
      ...(opts.noise !== undefined ? { noise: opts.noise } : {}),
      ...(opts.taste !== undefined ? { taste: opts.taste } : {}),
      ...(opts.titles !== undefined ? { titles: opts.titles } : {}),
    });
    const out = resolve(opts.out);
    await mkdir(dirname(out), { recursive: true });
    const started = performance.now();
    let lastReport = started;
    const result = await writeSyntheticDat(
      spec,
      out,
      (written, total) => {
        const now = performance.now();
        if (process.stderr.isTTY && now - lastReport > 1000) {
          lastReport = now;
          process.stderr.write(`\r${((100 * written) / total).toFixed(0)}% of ${total.toLocaleString('en')} ratings`);
        }
      },
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify({ ...result, seconds: Number(seconds.toFixed(2)) }, null, 2));
  });

try {
  await program.parseAsync();
} catch (err) {
  console.error(err instanceof DataError ? err.message : err);
  process.exit(err instanceof DataError ? 2 : 1);
}
