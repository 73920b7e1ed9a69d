/**
 * One thread's part of the blocked SPD inverse (blocked-inverse.ts): the job (plain data
 * over one shared WebAssembly memory, so it can be posted to the kernel workers), the
 * tile kernels of assembly/spd-inverse.ts bound to it, and the work items of each phase.
 * The threads of a phase take items from one shared counter (Atomics.add), so a thread
 * slowed by another process takes fewer of them.
 */
import { instantiate, lazyModule, type WasmMemory, type WasmModule } from '../../wasm/runtime';
import type { TaskContext } from '../kernels/tasks';
import { SPD_INVERSE_WASM_BASE64 } from './spd-inverse-wasm.generated';

const kernel = lazyModule(SPD_INVERSE_WASM_BASE64);
/** Whether this runtime can compile the kernels (SIMD + shared memory). */
export const wasmSpdInverseAvailable = kernel.available;
export const spdInverseModule = kernel.module;

export interface SpdInverseJob {
  module: WasmModule;
  memory: WasmMemory;
  n: number;
  tile: number;
  /** Byte offsets: the n x n matrix, the factored diagonal tiles (tiles x tile²), the item counter (int32). */
  matrix: number;
  diagonal: number;
  counter: number;
}

/**
 * panel(block): rows below the diagonal tile of column block `block`, one tile row an item;
 * inverse: U = L⁻ᵀ, one tile row an item; product: P = U Uᵀ into the lower triangle, one
 * tile row an item; mirror: the lower triangle into the upper, one tile row an item.
 */
export type Phase = 'panel' | 'inverse' | 'product' | 'mirror';

type Gemm = (c: number, ldc: number, x: number, ldx: number, y: number, ldy: number, m: number, p: number, depth: number, alpha: number, beta: number) => void;
type TileSolve = (r: number, ldr: number, d: number, ldd: number, rows: number, w: number) => void;

export interface TileRunner {
  /** Factors the diagonal tile of column block `block` (its earlier columns applied) and keeps a copy of it. */
  diagonal(block: number): void;
  /** Takes items of `phase` from the shared counter until none are left. */
  run(phase: Phase, block: number): void;
}

export function tileRunner(job: SpdInverseJob): TileRunner {
  const e = instantiate(job.module, job.memory);
  const gemm = e.gemmNT as Gemm;
  const choleskyTile = e.choleskyTile as (a: number, lda: number, w: number) => number;
  const solvePanelRows = e.solvePanelRows as TileSolve;
  const invertDiagonalTile = e.invertDiagonalTile as (d: number, ldd: number, u: number, ldu: number, w: number) => void;
  const finishInverseTile = e.finishInverseTile as TileSolve;
  const transposeTile = e.transposeTile as (src: number, lds: number, dst: number, ldd: number, rows: number, cols: number) => void;

  const { n, tile: w } = job;
  const tiles = Math.ceil(n / w);
  const counter = new Int32Array(job.memory.buffer, job.counter, 1);
  const doubles = new Float64Array(job.memory.buffer);
  const at = (row: number, col: number): number => job.matrix + (row * n + col) * 8;
  const diagonalTile = (t: number): number => job.diagonal + t * w * w * 8;
  const width = (t: number): number => Math.min(w, n - t * w);
  /** Copies the rows of a tile between the matrix (stride n) and the diagonal tiles (stride w). */
  const copyTile = (from: number, fromStride: number, to: number, toStride: number, size: number) => {
    for (let r = 0; r < size; r++) {
      const src = from / 8 + r * fromStride;
      doubles.copyWithin(to / 8 + r * toStride, src, src + size);
    }
  };

  const items: Record<Phase, (t: number, block: number) => void> = {
    panel(it, jt) {
      const i0 = it * w;
      const j0 = jt * w;
      gemm(at(i0, j0), n, at(i0, 0), n, at(j0, 0), n, width(it), width(jt), j0, -1, 1);
      solvePanelRows(at(i0, j0), n, diagonalTile(jt), w, width(it), width(jt));
    },
    inverse(jt) {
      const j0 = jt * w;
      const wj = width(jt);
      invertDiagonalTile(diagonalTile(jt), w, at(j0, j0), n, wj);
      for (let it = jt + 1; it < tiles; it++) {
        const i0 = it * w;
        // Σ over columns j0..i0 of U's rows j and L's rows i; U is zero left of its diagonal.
        gemm(at(j0, i0), n, at(j0, j0), n, at(i0, j0), n, wj, width(it), i0 - j0, 1, 0);
        finishInverseTile(at(j0, i0), n, diagonalTile(it), w, wj, width(it));
      }
    },
    product(bt) {
      const b0 = bt * w;
      for (let t = 0; t <= bt; t++) {
        const a0 = t * w;
        // P[b][a] = Σ_{k ≥ b0} U[b][k] U[a][k]. The diagonal tile goes aside: its U is still read.
        const aside = t === bt;
        gemm(aside ? diagonalTile(bt) : at(b0, a0), aside ? w : n, at(b0, b0), n, at(a0, b0), n, width(bt), width(t), n - b0, 1, 0);
      }
    },
    mirror(bt) {
      const b0 = bt * w;
      for (let t = 0; t < bt; t++) transposeTile(at(b0, t * w), n, at(t * w, b0), n, width(bt), width(t));
      copyTile(diagonalTile(bt), w, at(b0, b0), n, width(bt));
    },
  };

  return {
    diagonal(jt) {
      const j0 = jt * w;
      const wj = width(jt);
      gemm(at(j0, j0), n, at(j0, 0), n, at(j0, 0), n, wj, wj, j0, -1, 1);
      const bad = choleskyTile(at(j0, j0), n, wj);
      if (bad >= 0) throw new RangeError(`matrix is not positive definite (pivot ${j0 + bad} is ${doubles[at(j0 + bad, j0 + bad) / 8]})`);
      copyTile(at(j0, j0), n, diagonalTile(jt), w, wj);
    },
    run(phase, block) {
      const first = phase === 'panel' ? block + 1 : 0;
      const item = items[phase];
      for (let t = first + Atomics.add(counter, 0, 1); t < tiles; t = first + Atomics.add(counter, 0, 1)) item(t, block);
    },
  };
}

export const SPD_INVERSE_TASKS = {
  'spdInverse.attach': (job: SpdInverseJob, ctx: TaskContext) => {
    ctx.state.set('spdInverse', tileRunner(job));
    return true;
  },
  'spdInverse.run': ({ phase, block }: { phase: Phase; block: number }, ctx: TaskContext) => {
    const runner = ctx.state.get('spdInverse') as TileRunner | undefined;
    if (!runner) throw new Error('spdInverse.run before spdInverse.attach');
    runner.run(phase, block);
    return true;
  },
};
