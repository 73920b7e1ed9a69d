import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../local-stack';

/**
 * serverless-offline (the project's own `sls offline start --stage local`) as a child
 * process on free loopback ports, talking to the s3rver at `s3Endpoint`. Started once
 * per test file; stop() ends the process group it started.
 */
export interface Offline {
  baseUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

export interface OfflineOptions {
  s3Endpoint: string;
  env?: Record<string, string>;
  /** Extra `sls offline start` flags, e.g. --useInProcess. */
  args?: string[];
  timeoutMs?: number;
}

export async function startOffline(options: OfflineOptions): Promise<Offline> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn('node_modules/.bin/sls', ['offline', 'start', '--stage', 'local', ...(options.args ?? [])], {
    env: {
      ...process.env,
      S3_ENDPOINT: options.s3Endpoint,
      API_PORT: String(httpPort),
      OFFLINE_LAMBDA_PORT: String(lambdaPort),
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sls offline exited early:\n${log}`);
    if (/Server ready/.test(log)) return { baseUrl, output: () => log, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`sls offline did not start within the timeout:\n${log}`);
}
