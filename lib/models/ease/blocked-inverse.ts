/**
 * Inverse of a large symmetric positive definite matrix (row-major float64), blocked in
 * tiles of TILE so that nearly all of its n³/2 multiply-adds are tile products C ±= X Yᵀ
 * of rows with rows, in WebAssembly SIMD (f64x2), split over threads that share the
 * matrix in one WebAssembly memory. The same three steps as the reference spdInverse
 * (lib/math/linalg/spd-inverse.ts, which stays for small matrices):
 *
 *   1. A = L Lᵀ, left-looking by column blocks: the diagonal tile takes its earlier
 *      columns and is factored (the calling thread), then every tile row below it takes
 *      them and is solved against it (all threads);
 *   2. U = L⁻ᵀ into the upper triangle, each tile row of U on its own (row j of U solves
 *      L x = e_j), left to right; U's diagonal tiles are stored whole, zeros below
 *      their diagonal, so every later product runs over plain rows;
 *   3. P = A⁻¹ = U Uᵀ, P[b][a] = Σ_{k ≥ b} U[b][k] U[a][k], into the lower triangle (L is
 *      no longer needed), then mirrored into the upper one.
 *
 * The factored diagonal tiles are kept aside (n x TILE doubles): steps 2 and 3 overwrite
 * the diagonal while others still read it.
 */
import { spdInverse } from '../../math/linalg/spd-inverse';
import { WasmArena } from '../../wasm/runtime';
import { WorkerPool } from '../kernels/pool';
import { spdInverseModule, tileRunner, wasmSpdInverseAvailable, type Phase, type SpdInverseJob } from './inverse-tiles';

/** Tile side: a 64 x 64 float64 tile is 32 KiB. */
export const TILE = 64;
/** From this size on, invertSpd takes the blocked path (below, the plain JS one is as quick). */
export const BLOCKED_FROM = 192;

/** From this size on, invertSpd uses more than one thread: below, starting the workers costs more than they save. */
export const THREADS_FROM = 1500;
/** WebAssembly's 32-bit memory holds the matrix and its diagonal tiles up to about n = 23,000. */
const KERNEL_MEMORY_BYTES = 2 ** 32;

/** Whether invertSpd (and spdMatrix) take the blocked path for an n x n matrix. */
export function usesBlockedPath(n: number): boolean {
  const bytes = (n * n + Math.ceil(n / TILE) * TILE * TILE) * 8 + 64;
  return n >= BLOCKED_FROM && bytes <= KERNEL_MEMORY_BYTES && wasmSpdInverseAvailable();
}

export interface BlockedInverseOptions {
  /** Threads, the calling one included (default 1). */
  threads?: number;
  tile?: number;
}

interface Workspace {
  job: SpdInverseJob;
  matrix: Float64Array;
  counter: Int32Array;
}
/** The workspace of each matrix made by spdMatrix. */
const workspaces = new WeakMap<Float64Array, Workspace>();

function workspace(n: number, tile: number): Workspace {
  const tiles = Math.ceil(n / tile);
  const arena = new WasmArena();
  const matrix = arena.reserve(Float64Array, n * n);
  const diagonal = arena.reserve(Float64Array, tiles * tile * tile);
  const counter = arena.reserve(Int32Array, 1);
  const memory = arena.commit();
  const job: SpdInverseJob = {
    module: spdInverseModule(),
    memory,
    n,
    tile,
    matrix: arena.offset(matrix),
    diagonal: arena.offset(diagonal),
    counter: arena.offset(counter),
  };
  return { job, matrix: arena.view<Float64Array>(matrix), counter: arena.view<Int32Array>(counter) };
}

/**
 * A zeroed n x n matrix to fill and hand to invertSpd: on the blocked path (usesBlockedPath)
 * it lives in the blocked kernels' shared memory and is inverted in place, so the matrix is
 * never held twice.
 */
export function spdMatrix(n: number): Float64Array {
  if (!usesBlockedPath(n)) return new Float64Array(n * n);
  const ws = workspace(n, TILE);
  workspaces.set(ws.matrix, ws);
  return ws.matrix;
}

/**
 * A⁻¹ by the blocked algorithm above, a full symmetric n x n array over the kernels'
 * shared memory. A matrix from spdMatrix is inverted in place (and returned); any other
 * is copied first and left as it was.
 */
export async function blockedSpdInverse(A: Float64Array, n: number, options: BlockedInverseOptions = {}): Promise<Float64Array> {
  let ws = workspaces.get(A);
  if (ws && ws.job.n !== n) throw new RangeError(`blockedSpdInverse: the matrix was made for n = ${ws.job.n}, not ${n}`);
  if (!ws) {
    ws = workspace(n, options.tile ?? TILE);
    ws.matrix.set(A.subarray(0, n * n));
  }
  workspaces.delete(ws.matrix);
  const { job, matrix, counter } = ws;
  const tiles = Math.ceil(n / job.tile);
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const local = tileRunner(job);
  const pool = threads > 1 && tiles > 1 ? await WorkerPool.create(threads - 1) : undefined;
  const run = async (phase: Phase, block: number): Promise<void> => {
    Atomics.store(counter, 0, 0);
    const remote = pool ? pool.broadcast('spdInverse.run', { phase, block }) : undefined;
    try {
      local.run(phase, block);
    } finally {
      await remote;
    }
  };
  try {
    await pool?.broadcast('spdInverse.attach', job);
    for (let block = 0; block < tiles; block++) {
      local.diagonal(block);
      if (block + 1 < tiles) await run('panel', block);
    }
    await run('inverse', 0);
    await run('product', 0);
    await run('mirror', 0);
  } finally {
    await pool?.close();
  }
  return matrix;
}

/**
 * A⁻¹ of an SPD matrix: the blocked WebAssembly path from BLOCKED_FROM on (when the
 * runtime has WebAssembly SIMD and threads and the matrix fits its memory), else the plain
 * JS spdInverse; `options.threads` from THREADS_FROM on. `A` is destroyed unless the blocked
 * path copies it (see blockedSpdInverse).
 */
export async function invertSpd(A: Float64Array, n: number, options: BlockedInverseOptions = {}): Promise<Float64Array> {
  if (!workspaces.has(A) && !usesBlockedPath(n)) return spdInverse(A, n);
  return blockedSpdInverse(A, n, n >= THREADS_FROM ? options : { ...options, threads: 1 });
}
