/**
 * BPMF's row draws over threads: each side's rows split into contiguous ranges of about
 * equal cost, one per thread; the calling thread draws the first, the kernel worker pool
 * (lib/models/kernels/pool.ts) the others, all over the job's shared arrays. With one
 * thread there is no pool and the job's arrays need not be shared.
 */
import { WorkerPool } from '../kernels/pool';
import { rowDrawer, type RowJob, type RowTask, type Side } from './rows';

/** Row boundaries splitting a CSR's rows into `parts` ranges of about equal cost (entries x K² + K³ per row). */
export function costRanges(offsets: Uint32Array, K: number, parts: number): Uint32Array {
  const rows = offsets.length - 1;
  const perRow = K * K * K;
  const perEntry = K * K;
  const cost = (row: number) => row * perRow + offsets[row]! * perEntry;
  const total = cost(rows);
  const bounds = new Uint32Array(parts + 1);
  let row = 0;
  for (let p = 1; p < parts; p++) {
    while (row < rows && cost(row) < (total * p) / parts) row++;
    bounds[p] = row;
  }
  bounds[parts] = rows;
  return bounds;
}

export class RowThreads {
  private readonly local: ReturnType<typeof rowDrawer>;
  private readonly bounds: Record<Side, Uint32Array>;

  private constructor(
    job: RowJob,
    private readonly pool: WorkerPool | undefined,
  ) {
    this.local = rowDrawer(job);
    const parts = (pool?.size ?? 0) + 1;
    this.bounds = { users: costRanges(job.users.offsets, job.K, parts), items: costRanges(job.items.offsets, job.K, parts) };
  }

  /** threads − 1 workers attached to the job (whose arrays must then be shared); the caller is thread 0. */
  static async start(job: RowJob, threads: number): Promise<RowThreads> {
    if (threads <= 1) return new RowThreads(job, undefined);
    const pool = await WorkerPool.create(threads - 1);
    try {
      await pool.broadcast('bpmf.attach', job);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return new RowThreads(job, pool);
  }

  /** Draws every row of `side` for sweep `sweep`. */
  async draw(side: Side, sweep: number): Promise<void> {
    const b = this.bounds[side];
    const task = (t: number): RowTask => ({ side, from: b[t]!, to: b[t + 1]!, sweep });
    const pool = this.pool;
    const remote = pool ? Array.from({ length: pool.size }, (_, w) => pool.run(w, 'bpmf.rows', task(w + 1))) : [];
    const t0 = task(0);
    this.local(side, t0.from, t0.to, sweep);
    await Promise.all(remote);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
