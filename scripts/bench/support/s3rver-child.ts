import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { freePort } from '../../local-stack';

/**
 * s3rver in a process of its own (scripts/support/s3rver-process.ts, as `npm start` runs
 * it), so a bench that uploads a lot does not count the server's work as its own: the
 * client sees S3 across a socket, as a Lambda does.
 */
export async function startS3rverChild(directory: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('scripts/support/s3rver-process.ts')], {
    env: { ...process.env, LOCAL_S3_PORT: String(port), LOCAL_DATA_DIR: directory },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Not left behind when the bench dies (a closed stdout pipe, an uncaught error).
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  await new Promise<void>((ready, fail) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('s3rver listening')) ready();
    });
    child.once('exit', (code) => fail(new Error(`s3rver exited (${code}) before listening`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
