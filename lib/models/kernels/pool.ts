import { Worker } from 'node:worker_threads';
import { workerSource } from '../../threads/worker-source';

/**
 * A pool of worker threads that run named tasks (see tasks.ts) over shared memory.
 * Each worker keeps a `state` map between tasks, so a job attaches its
 * SharedArrayBuffers once and then sends only small per-step messages.
 *
 * Where the worker code is: as lib/models/kernel-worker.ts when running from source
 * (tsx, vitest: the worker registers tsx itself), or `kernel-worker.mjs` next to the
 * bundle when bundled with esbuild (bundle lib/models/kernel-worker.ts to that name),
 * or wherever env KERNEL_WORKER points (a path or file: URL).
 */
export interface TaskMessage {
  id: number;
  task: string;
  args: unknown;
}
export type TaskReply = { id: number; result: unknown } | { id: number; error: string };

export const BUNDLED_WORKER_NAME = 'kernel-worker.mjs';

const kernelWorker = () =>
  workerSource({ from: import.meta.url, source: '../kernel-worker.ts', bundled: BUNDLED_WORKER_NAME, override: process.env.KERNEL_WORKER });

export class WorkerPool {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: TaskReply) => this.settle(m));
      w.on('error', (err) => this.failAll(err));
      w.on('exit', (code) => {
        if (!this.closed) this.failAll(new Error(`kernel worker exited with code ${code}`));
      });
    }
  }

  /** Starts `size` workers and waits until each answers a ping. */
  static async create(size: number): Promise<WorkerPool> {
    const src = kernelWorker();
    const workers = Array.from({ length: size }, () => new Worker(src.code, { eval: src.eval }));
    const pool = new WorkerPool(workers);
    try {
      await Promise.all(workers.map((_, w) => pool.run(w, 'ping', null)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs `task` on worker `index`; resolves with its result. */
  run<T = unknown>(index: number, task: string, args: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[index]!.postMessage({ id, task, args } satisfies TaskMessage);
    });
  }

  /** Runs `task` on every worker with the same args; results in worker order. */
  broadcast<T = unknown>(task: string, args: unknown): Promise<T[]> {
    return Promise.all(this.workers.map((_, w) => this.run<T>(w, task, args)));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('worker pool closed'));
  }

  private settle(m: TaskReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if ('error' in m) p.reject(new Error(m.error));
    else p.resolve(m.result);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
