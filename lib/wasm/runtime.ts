/**
 * What every WebAssembly kernel here shares: the few parts of the WebAssembly JS API
 * used, lazy compilation of a kernel's committed bytes, and a bump allocator that lays
 * a job's arrays out in one shared WebAssembly.Memory (sized up front) and views them
 * as typed arrays; kernels get byte offsets, workers instantiate the same module over
 * the same memory.
 */
// The project's lib settings (ES2023, no DOM) do not declare the WebAssembly JS API; the few parts used here:
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65536;
const MAX_PAGES = 65536; // the module's declared maximum (4 GiB)

/** A kernel's module, compiled once from its base64 bytes on first use. */
export function lazyModule(base64: string): { module: () => WasmModule; available: () => boolean } {
  let compiled: WasmModule | undefined;
  let supported: boolean | undefined;
  const module = (): WasmModule => (compiled ??= new WA.Module(Buffer.from(base64, 'base64')));
  const available = (): boolean => {
    if (supported === undefined) {
      try {
        module();
        supported = true;
      } catch {
        supported = false;
      }
    }
    return supported;
  };
  return { module, available };
}

/** `module` instantiated over `memory` (one instance per thread): its exports. */
export function instantiate(module: WasmModule, memory: WasmMemory): Record<string, unknown> {
  return new WA.Instance(module, { env: { memory } }).exports;
}

type ArrayCtor = Int32ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

/** Bump allocator over one shared memory. Plan every array with `reserve`, then `commit`. */
export class WasmArena {
  private plan: { ctor: ArrayCtor; length: number; offset: number }[] = [];
  private bytes = 0;
  memory: WasmMemory | undefined;

  /** Reserves room for an array; returns its index for `view` after commit. */
  reserve(ctor: ArrayCtor, length: number): number {
    const offset = this.bytes;
    this.bytes += Math.ceil((length * ctor.BYTES_PER_ELEMENT) / 16) * 16;
    this.plan.push({ ctor, length, offset });
    return this.plan.length - 1;
  }

  commit(): WasmMemory {
    const pages = Math.max(1, Math.ceil(this.bytes / PAGE));
    if (pages > MAX_PAGES) throw new RangeError(`kernel memory of ${this.bytes} bytes is over the 4 GiB limit`);
    this.memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    return this.memory;
  }

  offset(index: number): number {
    return this.plan[index]!.offset;
  }

  view<T extends Int32Array | Uint32Array | Float32Array | Float64Array>(index: number): T {
    if (!this.memory) throw new Error('arena not committed');
    const { ctor, length, offset } = this.plan[index]!;
    return new (ctor as unknown as new (buffer: SharedArrayBuffer, offset: number, length: number) => T)(this.memory.buffer, offset, length);
  }
}

/**
 * One instance of a kernel over a memory of its own, for work whose size varies call by
 * call: `reserve(bytes)` makes room for it by a new memory (at least twice the old, its
 * contents not kept) and a new instance, so memory grows, never shrinks, and a call that
 * fits allocates nothing. `memory` and `exports` change only when `reserve` says true.
 */
export class GrowingKernelInstance {
  private pages = 0;
  memory: WasmMemory | undefined;
  exports: Record<string, unknown> = {};

  constructor(private readonly module: () => WasmModule) {}

  /** Whether it had to grow (every view of the old memory is then stale). */
  reserve(bytes: number): boolean {
    if (bytes <= this.pages * PAGE) return false;
    const needed = Math.ceil(bytes / PAGE);
    if (needed > MAX_PAGES) throw new RangeError(`kernel memory of ${bytes} bytes is over the 4 GiB limit`);
    const pages = Math.min(MAX_PAGES, Math.max(needed, 2 * this.pages));
    this.memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    this.exports = instantiate(this.module(), this.memory);
    this.pages = pages;
    return true;
  }
}
