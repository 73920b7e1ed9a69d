import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, fileKey } from '../../lib/artifacts/format';
import { publishModel } from '../../lib/artifacts/publish';
import { readLatest } from '../../lib/artifacts/versions';
import { startTestS3 } from '../helpers/s3';
import { smallModel } from './fixture';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUCKET = 'model-cli-test';

describe('npm run model (scripts/model.ts)', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/model.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, MODEL_BUCKET: BUCKET, S3_ENDPOINT: s3.endpoint },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out, err }));
    });

  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
  });
  afterAll(() => s3.close());

  it('lists versions with the live one marked, shows, rolls back, refuses a broken version', async () => {
    const first = await publishModel(s3.store, smallModel());
    const second = await publishModel(s3.store, smallModel());
    await s3.store.put(fileKey('20200101T000000Z-dead00', FILES.items), Buffer.alloc(8)); // an interrupted publish

    const list = await cli('list');
    expect(list.code, list.err).toBe(0);
    const lines = list.out.split('\n');
    expect(lines.find((l) => l.includes(second.version))).toMatch(/^\* /);
    expect(lines.find((l) => l.includes(first.version))).toMatch(/^ {2}.*svd.*rmse=0\.91/);
    expect(lines.find((l) => l.includes('dead00'))).toMatch(/INCOMPLETE: no manifest/);

    const show = await cli('show', first.version);
    expect(show.code, show.err).toBe(0);
    expect(JSON.parse(show.out.slice(0, show.out.lastIndexOf('}') + 1)).version).toBe(first.version);

    const back = await cli('rollback', first.version);
    expect(back.code, back.err).toBe(0);
    expect(await readLatest(s3.store)).toBe(first.version);

    const broken = await cli('rollback', '20200101T000000Z-dead00');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/error: model version 20200101T000000Z-dead00 has no manifest/);
    expect(await readLatest(s3.store)).toBe(first.version);
  }, 120_000);
});
