import { GrowingKernelInstance, lazyModule } from '../../wasm/runtime';
import type { LargestTerms } from '../contributions';
import type { PushThroughEngine } from './push-through';
import { PUSH_THROUGH_WASM_BASE64 } from './push-through-wasm.generated';

const kernel = lazyModule(PUSH_THROUGH_WASM_BASE64);
/** Whether this runtime can compile the push-through kernel (SIMD + shared memory); compiles it on first call. */
export const wasmPushThroughAvailable = kernel.available;

type GatherFn = (table: number, stride: number, index: number, count: number, width: number, appendOne: number, dst: number, rowDoubles: number) => void;
type PrepareFn = (R: number, rowDoubles: number, m: number, invSqrtD: number, S: number, H: number, M: number, mStride: number, diagInv: number) => number;
type ProjectFn = (R: number, rowDoubles: number, m: number, sHat: number, invSqrtD: number, S: number, H: number, M: number, mStride: number, diagInv: number, v: number, y: number, u: number, smallestS: number) => void;
type LargestTermsFn = (R: number, rowDoubles: number, m: number, sources: number, batch: number, invSqrtD: number, S: number, H: number, M: number, mStride: number, diagInv: number, v: number, y: number, u: number, smallestS: number, scale: number, keep: number, top: number, sums: number) => void;

/** The most terms largestTerms keeps per source (the kernel's slots, a pair of doubles each). */
const MAX_KEPT = 16;
/** Sources per largestTerms kernel call (its regions are laid out with the user's). */
const BATCH = 16;

/** Where the arrays sit in the kernel's memory, in doubles (each 16-byte aligned). */
interface Layout {
  m: number;
  mStride: number;
  /** The resident table (float32), from 0. */
  table: number;
  /** Row indices (int32) for gather. */
  index: number;
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
  sources: number;
  scale: number;
  top: number;
  sums: number;
  end: number;
}

/** Doubles that hold `count` values of `bytes` each, rounded up to 16 bytes. */
const doublesFor = (count: number, bytes: number): number => 2 * Math.ceil((count * bytes) / 16);

/**
 * The push-through solver with its arithmetic in WebAssembly SIMD (assembly/push-through.ts).
 * The rated rows go into the kernel's memory (scaled there), where H, M's factor and the
 * per-item vectors stay; `project` copies in s and out only u, `largestTerms` a batch of
 * s and the terms' scale in and out only the few terms kept of each. With a `resident`
 * table (one the caller never changes: a model's item rows), a copy of it lives in the
 * kernel's memory and the rows of calls given that very table are gathered there (float32
 * to float64, four at a time) instead of copied in by JS. The memory grows with the largest
 * user seen and is one view for everything, so a request allocates nothing.
 */
export class WasmPushThrough implements PushThroughEngine {
  private readonly instance = new GrowingKernelInstance(kernel.module);
  /** Doubles a row takes: n rounded up to a multiple of 4 (the kernel's step), zero-padded. */
  private readonly rowDoubles: number;
  private memory: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private ints: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private gatherKernel: GatherFn | undefined;
  private prepareKernel: PrepareFn | undefined;
  private projectKernel: ProjectFn | undefined;
  private largestTermsKernel: LargestTermsFn | undefined;
  private smallestS = 0;
  private readonly layout: Layout = { m: 0, mStride: 0, table: 0, index: 0, invSqrtD: 0, sHat: 0, R: 0, H: 0, M: 0, S: 0, diagInv: 0, v: 0, y: 0, u: 0, sources: 0, scale: 0, top: 0, sums: 0, end: 0 };

  constructor(
    readonly n: number,
    private readonly resident?: Float32Array,
  ) {
    this.rowDoubles = Math.ceil(n / 4) * 4;
  }

  prepare(table: Float32Array, stride: number, items: Int32Array, appendOne: boolean, diagonal: ArrayLike<number>, weights: ArrayLike<number> | number): void {
    const { n, rowDoubles } = this;
    const m = items.length;
    const width = appendOne ? n - 1 : n;
    const layout = this.layOut(m);
    if (this.instance.reserve(layout.end * 8)) this.attach();
    const mem = this.memory;
    for (let a = 0; a < rowDoubles; a++) mem[layout.invSqrtD + a] = a < n ? 1 / Math.sqrt(diagonal[a]!) : 0;
    if (table === this.resident) this.gather(items, m, stride, width, appendOne, layout.R);
    else this.copyRows(table, stride, items, width, appendOne);
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
    this.copyRow(source, offset, Math.min(length, this.n), false, l.sHat);
    this.projectKernel!(l.R * 8, rowDoubles, l.m, l.sHat * 8, l.invSqrtD * 8, l.S * 8, l.H * 8, l.M * 8, l.mStride, l.diagInv * 8, l.v * 8, l.y * 8, l.u * 8, this.smallestS);
    for (let j = 0; j < l.m; j++) u[j] = mem[l.u + j]!;
  }

  largestTerms(table: ArrayLike<number>, stride: number, rows: ArrayLike<number>, count: number, length: number, scale: ArrayLike<number>, out: readonly LargestTerms[]): void {
    const { rowDoubles, memory: mem, layout: l } = this;
    const width = Math.min(length, this.n);
    for (let j = 0; j < l.m; j++) mem[l.scale + j] = scale[j]!;
    for (let first = 0; first < count; first += BATCH) {
      const batch = Math.min(BATCH, count - first);
      const keep = out[first]!.capacity;
      for (let b = 0; b < batch; b++) {
        if (out[first + b]!.capacity !== keep || keep > MAX_KEPT) throw new RangeError(`largestTerms keeps one number of terms, at most ${MAX_KEPT}, for every source`);
      }
      if (table === this.resident) {
        this.gather(rows, batch, stride, width, false, l.sources, first);
      } else {
        for (let b = 0; b < batch; b++) this.copyRow(table, rows[first + b]! * stride, width, false, l.sources + b * rowDoubles);
      }
      this.largestTermsKernel!(l.R * 8, rowDoubles, l.m, l.sources * 8, batch, l.invSqrtD * 8, l.S * 8, l.H * 8, l.M * 8, l.mStride, l.diagInv * 8, l.v * 8, l.y * 8, l.u * 8, this.smallestS, l.scale * 8, keep, l.top * 8, l.sums * 8);
      for (let b = 0; b < batch; b++) {
        const terms = out[first + b]!;
        const at = l.top + 2 * b * keep;
        let kept = 0;
        for (; kept < keep && mem[at + 2 * kept]! >= 0; kept++) {
          terms.items[kept] = mem[at + 2 * kept]!;
          terms.terms[kept] = mem[at + 2 * kept + 1]!;
        }
        terms.count = kept;
        terms.positiveSum = mem[l.sums + b]!;
      }
    }
  }

  /** Views and kernels of a new memory, with the resident table copied into it. */
  private attach(): void {
    const { memory, exports } = this.instance;
    this.memory = new Float64Array(memory!.buffer);
    this.ints = new Int32Array(memory!.buffer);
    if (this.resident) new Float32Array(memory!.buffer, 0, this.resident.length).set(this.resident);
    this.gatherKernel = exports.gather as GatherFn;
    this.prepareKernel = exports.prepare as PrepareFn;
    this.projectKernel = exports.project as ProjectFn;
    this.largestTermsKernel = exports.largestTerms as LargestTermsFn;
  }

  /** Resident rows rows[first .. first + count) into float64 rows at `dst` (in doubles). */
  private gather(rows: ArrayLike<number>, count: number, stride: number, width: number, appendOne: boolean, dst: number, first = 0): void {
    const { ints, layout: l } = this;
    const index = 2 * l.index;
    for (let r = 0; r < count; r++) ints[index + r] = rows[first + r]!;
    this.gatherKernel!(l.table * 8, stride, l.index * 8, count, width, appendOne ? 1 : 0, dst * 8, this.rowDoubles);
  }

  /** The rated rows as they are (the kernel scales them). */
  private copyRows(table: Float32Array, stride: number, items: Int32Array, width: number, appendOne: boolean): void {
    for (let j = 0; j < items.length; j++) this.copyRow(table, items[j]! * stride, width, appendOne, this.layout.R + j * this.rowDoubles);
  }

  /**
   * table[src .. src + width) to the doubles at `dst`, then a 1 where `appendOne`, then zeros
   * to a whole row: a plain, unrolled copy is the cheapest JS can do.
   */
  private copyRow(table: ArrayLike<number>, src: number, width: number, appendOne: boolean, dst: number): void {
    const mem = this.memory;
    let a = 0;
    for (; a + 3 < width; a += 4) {
      mem[dst + a] = table[src + a]!;
      mem[dst + a + 1] = table[src + a + 1]!;
      mem[dst + a + 2] = table[src + a + 2]!;
      mem[dst + a + 3] = table[src + a + 3]!;
    }
    for (; a < width; a++) mem[dst + a] = table[src + a]!;
    if (appendOne) mem[dst + a++] = 1;
    for (; a < this.rowDoubles; a++) mem[dst + a] = 0;
  }

  /** Lays the arrays for m rows out (in place: no allocation per user). */
  private layOut(m: number): Layout {
    const l = this.layout;
    const { rowDoubles } = this;
    l.m = m;
    l.mStride = m + (m % 2);
    l.table = 0;
    l.index = l.table + doublesFor(this.resident?.length ?? 0, 4);
    l.invSqrtD = l.index + doublesFor(Math.max(m, BATCH), 4);
    l.sHat = l.invSqrtD + rowDoubles;
    l.R = l.sHat + rowDoubles;
    l.H = l.R + m * rowDoubles;
    l.M = l.H + m * l.mStride;
    l.S = l.M + m * l.mStride;
    l.diagInv = l.S + l.mStride;
    l.v = l.diagInv + l.mStride;
    l.y = l.v + l.mStride;
    l.u = l.y + l.mStride;
    l.sources = l.u + l.mStride;
    l.scale = l.sources + BATCH * rowDoubles;
    l.top = l.scale + l.mStride;
    l.sums = l.top + 2 * BATCH * MAX_KEPT;
    l.end = l.sums + BATCH;
    return l;
  }
}
