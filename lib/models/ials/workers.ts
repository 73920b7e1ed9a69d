/**
 * Parallel iALS half-steps: every half-step is embarrassingly parallel over rows, so
 * rows are split into contiguous ranges of about equal cost, one per thread; the
 * calling thread takes the first range and the shared kernel worker pool
 * (lib/models/kernels/pool.ts, tasks in tasks.ts) the others; so is the Gram matrix
 * of the fixed side, each thread summing its share of the rows. All threads read
 * and write the same SharedArrayBuffer-backed tables, so nothing is copied per step
 * and the result does not depend on the number of threads. With one thread there
 * are no workers and the arrays need not be shared.
 */
import { WorkerPool } from '../kernels/pool';
import { GRAM_PARTS, kernelFor, runTask, type IalsKernel, type IalsTask, type SharedIalsState, type Side } from './tasks';

/**
 * Row boundaries splitting [first, rows) into `parts` contiguous ranges of about equal
 * cost, a row costing (dim + 2 · its entries) multiply-adds per CG product.
 */
export function splitRows(offsets: Uint32Array, dim: number, parts: number, first = 0): Uint32Array {
  const rows = offsets.length - 1;
  const cost = (row: number): number => (row - first) * dim + 2 * (offsets[row]! - offsets[first]!);
  const total = cost(rows);
  const bounds = new Uint32Array(parts + 1);
  let row = first;
  bounds[0] = first;
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts;
    while (row < rows && cost(row) < target) row++;
    bounds[p] = row;
  }
  bounds[parts] = rows;
  return bounds;
}

export class IalsThreads {
  private readonly local: IalsKernel;
  private readonly bounds: Record<Side, Uint32Array>;
  /** The rows past each side's batched prefix (all rows when none), split by cost. */
  private readonly rowByRow: Record<Side, Uint32Array>;
  private readonly threads: number;
  /** The objective terms of the users solved row by row in the last half-step, when it was a users step. */
  private rowByRowUserLoss: number | undefined;
  /** Gram matrices of sides that have not changed since they were summed. */
  private readonly grams: Partial<Record<Side, Float64Array>> = {};

  private constructor(
    private readonly state: SharedIalsState,
    private readonly pool: WorkerPool | undefined,
  ) {
    this.local = kernelFor(state, 0);
    this.threads = (pool?.size ?? 0) + 1;
    const { dim } = state.params;
    const batched = state.wasm?.layout.batched;
    this.bounds = {
      users: splitRows(state.userCsr.offsets, dim, this.threads),
      items: splitRows(state.itemCsr.offsets, dim, this.threads),
    };
    this.rowByRow = {
      users: splitRows(state.userCsr.offsets, dim, this.threads, batched?.users?.rows ?? 0),
      items: splitRows(state.itemCsr.offsets, dim, this.threads, batched?.items?.rows ?? 0),
    };
  }

  /** Starts threads − 1 workers attached to the (shared) state; the caller is thread 0. */
  static async start(state: SharedIalsState, threads: number): Promise<IalsThreads> {
    if (threads <= 1) return new IalsThreads(state, undefined);
    const pool = await WorkerPool.create(threads - 1);
    try {
      await Promise.all(Array.from({ length: pool.size }, (_, w) => pool.run(w, 'ials.attach', { state, thread: w + 1 })));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return new IalsThreads(state, pool);
  }

  /** Runs `op` over `side`'s rows split by cost, one range per thread; the results in thread order. */
  private async each(op: IalsTask['op'], side: Side, bounds: Uint32Array, first?: boolean): Promise<number[]> {
    const pool = this.pool;
    const task = (thread: number): IalsTask => ({ op, side, start: bounds[thread]!, end: bounds[thread + 1]!, ...(first === undefined ? {} : { first }) });
    const remote = pool ? Array.from({ length: pool.size }, (_, w) => pool.run<number>(w, 'ials.run', task(w + 1))) : [];
    const local = runTask(this.local, task(0));
    return [local, ...(await Promise.all(remote))];
  }

  /**
   * Takes G as `side`'s Gram matrix until that side changes: a job that holds only a
   * block of one side (lib/distributed) is given the other side's Gram, summed elsewhere.
   */
  useGram(side: Side, G: Float64Array): void {
    this.grams[side] = G;
  }

  /** XᵀX of `side`'s factors, summed from its GRAM_PARTS parts in order; kept until that side changes. */
  async gramOf(side: Side): Promise<Float64Array> {
    const cached = this.grams[side];
    if (cached) return cached;
    const s = this.state;
    const dim = s.params.dim;
    const parts = Uint32Array.from({ length: this.threads + 1 }, (_, t) => Math.round((GRAM_PARTS * t) / this.threads));
    await this.each('gramParts', side, parts);
    const G = new Float64Array(dim * dim);
    const n = dim * dim;
    for (let a = 0; a < dim; a++) {
      for (let b = a; b < dim; b++) {
        let sum = 0;
        for (let p = 0; p < GRAM_PARTS; p++) sum += s.gramParts[p * n + a * dim + b]!;
        G[a * dim + b] = sum;
        G[b * dim + a] = sum;
      }
    }
    return (this.grams[side] = G);
  }

  /**
   * Solves every row of one side against the other, fixed side. Afterwards
   * `state.gram` holds the fixed side's Gram matrix (QᵀQ after a users step).
   */
  async halfStep(side: Side): Promise<void> {
    const s = this.state;
    const G = await this.gramOf(side === 'users' ? 'items' : 'users');
    s.gram.set(G);
    s.gram32?.set(G);
    if (s.wasm?.layout.batched[side]) await this.batchedHalfStep(side);
    const losses = await this.each('halfStep', side, this.rowByRow[side]);
    this.rowByRowUserLoss = side === 'users' ? losses.reduce((a, b) => a + b, 0) : undefined;
    this.grams[side] = undefined;
  }

  /** The half-step as one CG over `side`'s batched rows: per step, the sparse product by parts of the other side, then the dense part by rows. */
  private async batchedHalfStep(side: Side): Promise<void> {
    const { partRows, rows } = this.state.wasm!.layout.batched[side]!;
    const nParts = partRows.length - 1;
    const parts = Uint32Array.from({ length: this.threads + 1 }, (_, t) => Math.round((nParts * t) / this.threads));
    const even = Uint32Array.from({ length: this.threads + 1 }, (_, t) => Math.round((rows * t) / this.threads));
    for (let step = 0; step <= this.state.params.cgSteps; step++) {
      const first = step === 0;
      await this.each('batchedSparse', side, parts, first);
      await this.each('batchedDense', side, even, first);
    }
  }

  /**
   * The users' part of the objective after a users step: Σ_u x_uᵀ(QᵀQ)x_u, which is
   * ⟨QᵀQ, PᵀP⟩ (PᵀP is needed by the next items step anyway), plus the observed terms.
   */
  async userObjective(): Promise<number> {
    const PtP = await this.gramOf('users');
    const QtQ = await this.gramOf('items');
    let quad = 0;
    for (let k = 0; k < PtP.length; k++) quad += PtP[k]! * QtQ[k]!;
    // The rows a users step solved one by one brought their terms along; the rest are summed here.
    const fused = this.rowByRowUserLoss;
    const batchedRows = this.state.wasm?.layout.batched.users?.rows ?? 0;
    const offsets = this.state.userCsr.offsets;
    const rest = fused === undefined ? this.bounds.users : splitRows(offsets.subarray(0, batchedRows + 1), this.state.params.dim, this.threads);
    const observed = await this.each('userObjective', 'users', rest);
    return observed.reduce((a, b) => a + b, quad + (fused ?? 0));
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
