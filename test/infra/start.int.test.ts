import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local-stack';
import { ROOT, descendants, esbuildWorkDir, isAlive } from './process';

/** `npm start` with `env` over this process's environment, its output collected. */
function startStack(env: NodeJS.ProcessEnv) {
  // `node --import tsx` keeps start.ts in this one process (the tsx CLI would add a parent).
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}

/** A whole stack on free ports, with a tiny first model to train. */
async function tinyStackEnv(dataDir: string, logDir: string, esbuildDir: string) {
  const [s3Port, apiPort] = [await freePort(), await freePort()];
  const env = {
    LOCAL_S3_PORT: String(s3Port),
    API_PORT: String(apiPort),
    LOCAL_DATA_DIR: dataDir,
    LOCAL_LOG_DIR: logDir,
    MODEL_BUCKET: 'start-test',
    START_SOURCE: 'synthetic:users=300,movies=60,perUser=10,seed=5',
    ESBUILD_WORK_DIR: esbuildDir,
    EVENTS_API_KEY: '',
  };
  return { s3Port, apiPort, env };
}

/** `npm start` as a user runs it: real s3rver, real training, real serverless-offline, real HTTP. */
describe('scripts/start.ts (npm start)', () => {
  const work = esbuildWorkDir('start');
  let dataDir: string | undefined;
  afterAll(async () => {
    await work.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (dataDir) await rm(`${dataDir}-logs`, { recursive: true, force: true });
  });

  it('trains a first model, serves it, and stops cleanly on SIGINT', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'start-data-'));
    const { s3Port, apiPort, env } = await tinyStackEnv(dataDir, `${dataDir}-logs`, work.name);
    const { child, exited, output } = startStack(env);

    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed within 100s:\n${output()}`)), 100_000);
        const check = () => {
          // The example requests follow the URL; wait for the last of them.
          const m = /API ready at (http:\/\/localhost:\d+)[\s\S]*npm run refresh/.exec(output());
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', check);
        void exited.then(() => reject(new Error(`start.ts exited early:\n${output()}`)));
      });
      expect(url).toBe(`http://localhost:${apiPort}`);
      expect(output()).toContain(`curl "http://localhost:${apiPort}/reco?UsrID=40&n_recos=5"`);
      const published = /published model (\S+)/.exec(output())?.[1];
      expect(published).toBeDefined();

      const health = await fetch(`http://127.0.0.1:${apiPort}/health`);
      expect(health.status).toBe(200);
      expect(JSON.stringify(await health.json())).toContain(published!);

      // POST /events takes the key it printed (generated: EVENTS_API_KEY is unset), and nothing else.
      const key = /events API key \(x-api-key\), generated for this run[^:]*: (\S+)/.exec(output())?.[1];
      expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const postEvents = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${apiPort}/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '[{"userId":1,"movieId":1,"rating":4}]' });
      expect((await postEvents({ 'x-api-key': key! })).status).toBe(202);
      expect((await postEvents({})).status).toBe(401);

      const family = descendants(child.pid!);
      expect(family.length).toBeGreaterThan(0); // serverless-offline and friends
      child.kill('SIGINT');
      const { code } = await exited;
      expect(code).toBe(0);
      // Give the killed group a moment to be reaped, then nothing may be left.
      await new Promise((r) => setTimeout(r, 500));
      expect(family.filter(isAlive)).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${apiPort}/health`)).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${s3Port}/`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 150_000);

  it('names a busy port by its variable, in one line, before starting or training anything', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const busy = (holder.address() as AddressInfo).port;
    try {
      const { exited, output } = startStack({ LOCAL_S3_PORT: String(await freePort()), API_PORT: String(busy), LOCAL_DATA_DIR: join(tmpdir(), 'start-busy-never-made') });
      expect((await exited).code).toBe(1);
      expect(output().trim()).toBe(`npm start: port ${busy} (API_PORT) is in use: stop what holds it, or set API_PORT to a free port`);
    } finally {
      holder.close();
    }
  }, 60_000);

  it('runs s3rver as its own process with a log file, and stops the whole stack when it dies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'start-s3-dies-'));
    const { apiPort, env } = await tinyStackEnv(join(dir, 's3'), join(dir, 'logs'), work.name);
    const { child, exited, output } = startStack(env);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready within 100s:\n${output()}`)), 100_000);
        child.stdout.on('data', () => /Ctrl-C stops everything/.test(output()) && (clearTimeout(timer), resolve()));
      });
      expect(await readFile(join(dir, 'logs', 's3rver.log'), 'utf8')).toMatch(/s3rver listening at http:\/\/127\.0\.0\.1:\d+/);
      const family = descendants(child.pid!);
      const s3rver = family.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('s3rver-process'));
      expect(s3rver).toBeDefined();
      process.kill(s3rver!, 'SIGKILL');
      expect((await exited).code).toBe(1);
      expect(output()).toMatch(/s3rver exited \(SIGKILL\); stopping/);
      await new Promise((r) => setTimeout(r, 500));
      expect(family.filter(isAlive)).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${apiPort}/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
