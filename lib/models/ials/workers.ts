/**
 * Parallel iALS half-steps: every half-step is embarrassingly parallel over rows, so
 * rows are split into contiguous ranges of about equal cost, one per thread; the
 * calling thread takes the first range and the shared kernel worker pool
 * (lib/models/kernels/pool.ts, tasks in ials-tasks.ts) the others. All threads read
 * and write the same SharedArrayBuffer-backed tables, so nothing is copied per step
 * and the result does not depend on the number of threads. With one thread there
 * are no workers and the arrays need not be shared.
 */
import { WorkerPool } from '../kernels/pool';
import { HalfStepSolver } from './solve';
import { runHalfStep, type HalfStepTask, type SharedIalsState, type Side } from './tasks';
import { gram } from '../../math/linalg/dense';

/** A typed array of the same kind and contents over a SharedArrayBuffer. */
export function toShared<T extends Float32Array | Float64Array | Int32Array | Uint32Array>(array: T): T {
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const shared = new Ctor(new SharedArrayBuffer(array.byteLength));
  shared.set(array);
  return shared;
}

/**
 * Row boundaries splitting [0, rows) into `parts` contiguous ranges of about equal
 * cost, a row costing (dim + 2 · its entries) multiply-adds per CG product.
 */
export function splitRows(offsets: Uint32Array, dim: number, parts: number): Uint32Array {
  const rows = offsets.length - 1;
  const total = rows * dim + 2 * offsets[rows]!;
  const bounds = new Uint32Array(parts + 1);
  let row = 0;
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts;
    while (row < rows && row * dim + 2 * offsets[row]! < target) row++;
    bounds[p] = row;
  }
  bounds[parts] = rows;
  return bounds;
}

export class IalsThreads {
  private readonly local: HalfStepSolver;
  private readonly bounds: Record<Side, Uint32Array>;

  private constructor(
    private readonly state: SharedIalsState,
    private readonly pool: WorkerPool | undefined,
  ) {
    this.local = new HalfStepSolver(state.params.dim);
    const parts = (pool?.size ?? 0) + 1;
    this.bounds = {
      users: splitRows(state.userCsr.offsets, state.params.dim, parts),
      items: splitRows(state.itemCsr.offsets, state.params.dim, parts),
    };
  }

  /** Starts threads − 1 workers attached to the (shared) state; the caller is the last thread. */
  static async start(state: SharedIalsState, threads: number): Promise<IalsThreads> {
    if (threads <= 1) return new IalsThreads(state, undefined);
    const pool = await WorkerPool.create(threads - 1);
    try {
      await pool.broadcast('ials.attach', state);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return new IalsThreads(state, pool);
  }

  /**
   * Solves every row of one side against the other, fixed side. Afterwards
   * `state.gram` holds the fixed side's Gram matrix (QᵀQ after a users step).
   */
  async halfStep(side: Side): Promise<void> {
    const s = this.state;
    const dim = s.params.dim;
    if (side === 'users') gram(s.Q, s.nItems, dim, s.gram);
    else gram(s.P, s.nUsers, dim, s.gram);
    const b = this.bounds[side];
    const pool = this.pool;
    const remote = pool
      ? Array.from({ length: pool.size }, (_, w) =>
          pool.run(w, 'ials.halfStep', { side, start: b[w + 1]!, end: b[w + 2]! } satisfies HalfStepTask),
        )
      : [];
    runHalfStep(this.local, s, { side, start: b[0]!, end: b[1]! });
    await Promise.all(remote);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
