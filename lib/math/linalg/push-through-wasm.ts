import { GrowingKernelInstance, lazyModule } from '../../wasm/runtime';
import type { PushThroughEngine } from './push-through';
import { PUSH_THROUGH_WASM_BASE64 } from './push-through-wasm.generated';

const kernel = lazyModule(PUSH_THROUGH_WASM_BASE64);
/** Whether this runtime can compile the push-through kernel (SIMD + shared memory); compiles it on first call. */
export const wasmPushThroughAvailable = kernel.available;

type PrepareFn = (R: number, rowDoubles: number, m: number, invSqrtD: number, S: number, H: number, M: number, mStride: number, diagInv: number) => number;
type ProjectFn = (R: number, rowDoubles: number, m: number, sHat: number, invSqrtD: number, S: number, H: number, M: number, mStride: number, diagInv: number, v: number, y: number, u: number, smallestS: number) => void;

/** Where a user's arrays sit in the kernel's memory, in doubles (each 16-byte aligned). */
interface Layout {
  m: number;
  mStride: number;
  invSqrtD: number;
  sHat: number;
  R: number;
  H: number;
  M: number;
  S: number;
  diagInv: number;
  v: number;
  y: number;
  u: number;
  end: number;
}

/**
 * The push-through solver with its arithmetic in WebAssembly SIMD (assembly/push-through.ts):
 * the rated rows are copied straight into the kernel's memory (and scaled there), where H,
 * M's factor and the per-item vectors stay; `project` copies in s and out only u. The memory
 * grows with the largest user seen and is one view for everything, so a request allocates
 * nothing.
 */
export class WasmPushThrough implements PushThroughEngine {
  private readonly instance = new GrowingKernelInstance(kernel.module);
  /** Doubles a row takes: n rounded up to a multiple of 4 (the kernel's step), zero-padded. */
  private readonly rowDoubles: number;
  private memory: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private prepareKernel: PrepareFn | undefined;
  private projectKernel: ProjectFn | undefined;
  private smallestS = 0;
  private readonly layout: Layout = { m: 0, mStride: 0, invSqrtD: 0, sHat: 0, R: 0, H: 0, M: 0, S: 0, diagInv: 0, v: 0, y: 0, u: 0, end: 0 };

  constructor(readonly n: number) {
    this.rowDoubles = Math.ceil(n / 4) * 4;
  }

  prepare(table: Float32Array, stride: number, items: Int32Array, appendOne: boolean, diagonal: ArrayLike<number>, weights: ArrayLike<number> | number): void {
    const { n, rowDoubles } = this;
    const m = items.length;
    const width = appendOne ? n - 1 : n;
    const layout = this.layOut(m);
    if (this.instance.reserve(layout.end * 8)) {
      const { memory, exports } = this.instance;
      this.memory = new Float64Array(memory!.buffer);
      this.prepareKernel = exports.prepare as PrepareFn;
      this.projectKernel = exports.project as ProjectFn;
    }
    const mem = this.memory;
    for (let a = 0; a < rowDoubles; a++) mem[layout.invSqrtD + a] = a < n ? 1 / Math.sqrt(diagonal[a]!) : 0;
    // The rows as they are (the kernel scales them): a plain, unrolled copy is the cheapest JS can do.
    for (let j = 0; j < m; j++) {
      const src = items[j]! * stride;
      const dst = layout.R + j * rowDoubles;
      let a = 0;
      for (; a + 3 < width; a += 4) {
        mem[dst + a] = table[src + a]!;
        mem[dst + a + 1] = table[src + a + 1]!;
        mem[dst + a + 2] = table[src + a + 2]!;
        mem[dst + a + 3] = table[src + a + 3]!;
      }
      for (; a < width; a++) mem[dst + a] = table[src + a]!;
      if (appendOne) mem[dst + width] = 1;
      for (let b = n; b < rowDoubles; b++) mem[dst + b] = 0;
    }
    let largest = 0;
    for (let j = 0; j < m; j++) {
      const w = typeof weights === 'number' ? weights : weights[j]!;
      const s = Math.sqrt(Math.max(0, w));
      mem[layout.S + j] = s;
      largest = Math.max(largest, s);
    }
    this.smallestS = 1e-3 * largest;
    const failed = this.prepareKernel!(layout.R * 8, rowDoubles, m, layout.invSqrtD * 8, layout.S * 8, layout.H * 8, layout.M * 8, layout.mStride, layout.diagInv * 8);
    if (failed !== 0) throw new RangeError(`matrix is not positive definite (pivot ${failed - 1})`);
  }

  project(source: ArrayLike<number>, offset: number, length: number, u: Float64Array): void {
    const { rowDoubles, memory: mem, layout: l } = this;
    const width = Math.min(length, this.n);
    for (let a = 0; a < width; a++) mem[l.sHat + a] = source[offset + a]!;
    for (let a = width; a < rowDoubles; a++) mem[l.sHat + a] = 0;
    this.projectKernel!(l.R * 8, rowDoubles, l.m, l.sHat * 8, l.invSqrtD * 8, l.S * 8, l.H * 8, l.M * 8, l.mStride, l.diagInv * 8, l.v * 8, l.y * 8, l.u * 8, this.smallestS);
    for (let j = 0; j < l.m; j++) u[j] = mem[l.u + j]!;
  }

  /** Lays the arrays for m rows out (in place: no allocation per user). */
  private layOut(m: number): Layout {
    const l = this.layout;
    l.m = m;
    l.mStride = m + (m % 2);
    l.invSqrtD = 0;
    l.sHat = l.invSqrtD + this.rowDoubles;
    l.R = l.sHat + this.rowDoubles;
    l.H = l.R + m * this.rowDoubles;
    l.M = l.H + m * l.mStride;
    l.S = l.M + m * l.mStride;
    l.diagInv = l.S + l.mStride;
    l.v = l.diagInv + l.mStride;
    l.y = l.v + l.mStride;
    l.u = l.y + l.mStride;
    l.end = l.u + l.mStride;
    return l;
  }
}
