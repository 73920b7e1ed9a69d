import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRatings } from '../../lib/data/parse';
import { generateSynthetic } from '../../lib/data/synthetic';

const run = promisify(execFile);
const tsx = join('node_modules', '.bin', 'tsx');

describe('npm run generate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'generate-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes planted ratings and movies and prints a JSON summary', async () => {
    const out = join(dir, 'planted', 'ratings.dat');
    const { stdout } = await run(tsx, ['scripts/generate.ts', '--users', '120', '--movies', '30', '--per-user', '6', '--seed', '9', '--planted', '--out', out]);
    const summary = JSON.parse(stdout) as { ratings: number; bestRmse: number; seconds: number; moviesPath: string };
    const memory = generateSynthetic({ users: 120, movies: 30, perUser: 6, seed: 9, mode: 'planted' });
    expect(summary.ratings).toBe(memory.dataset.size);
    expect(summary.bestRmse).toBe(memory.bestRmse);
    expect(summary.seconds).toBeGreaterThanOrEqual(0);
    expect((await readdir(join(dir, 'planted'))).sort()).toEqual(['movies.dat', 'ratings.dat']);
    const parsed = await parseRatings(createReadStream(out), { format: 'dat' });
    expect(Array.from(parsed.dataset.ratings)).toEqual(Array.from(memory.dataset.ratings));
  });

  it('refuses impossible sizes with a clear message and exit code 2', async () => {
    const failed = await run(tsx, ['scripts/generate.ts', '--users', '10', '--movies', '5', '--per-user', '6', '--out', join(dir, 'x', 'r.dat')]).catch(
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(/perUser must be an integer in \[1, 5\], got 6/);
    await expect(readdir(join(dir, 'x'))).rejects.toThrow(/ENOENT/);
  });
});
