import { SGD_WASM_BASE64 } from './sgd-wasm.generated';

/**
 * The WebAssembly SIMD build of the SGD kernel (assembly/sgd.ts) and the shared
 * memory it works on. JS lays the arrays out in one shared WebAssembly.Memory (an
 * arena, sized up front) and views them as typed arrays; the kernel gets byte offsets.
 * Workers instantiate the same module over the same memory.
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

let compiled: WasmModule | undefined;
let simdSupported: boolean | undefined;

export function sgdWasmModule(): WasmModule {
  return (compiled ??= new WA.Module(Buffer.from(SGD_WASM_BASE64, 'base64')));
}

/** Whether this runtime can compile the kernel (SIMD + shared memory). */
export function wasmSgdAvailable(): boolean {
  if (simdSupported === undefined) {
    try {
      sgdWasmModule();
      simdSupported = true;
    } catch {
      simdSupported = false;
    }
  }
  return simdSupported;
}

type ArrayCtor = Int32ArrayConstructor | Float32ArrayConstructor;

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
    if (pages > MAX_PAGES) throw new RangeError(`training needs ${this.bytes} bytes of kernel memory, over the 4 GiB limit`);
    this.memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    return this.memory;
  }

  offset(index: number): number {
    return this.plan[index]!.offset;
  }

  view<T extends Int32Array | Float32Array>(index: number): T {
    if (!this.memory) throw new Error('arena not committed');
    const { ctor, length, offset } = this.plan[index]!;
    const buffer = this.memory.buffer;
    return (ctor === Int32Array ? new Int32Array(buffer, offset, length) : new Float32Array(buffer, offset, length)) as T;
  }
}

/** Byte offsets of the kernel's arrays in the memory. */
export interface WasmSgdLayout {
  users: number;
  items: number;
  ratings: number;
  P: number;
  Q: number;
  userBias: number;
  itemBias: number;
}

type SgdRangeFn = (
  users: number,
  items: number,
  ratings: number,
  start: number,
  end: number,
  P: number,
  Q: number,
  userBias: number,
  itemBias: number,
  dim: number,
  mu: number,
  lr: number,
  reg: number,
  regBias: number,
) => number;

export interface WasmSgd {
  module: WasmModule;
  memory: WasmMemory;
  layout: WasmSgdLayout;
}

/** The kernel bound to a memory (one instance per thread). */
export function bindWasmSgd(w: WasmSgd): SgdRangeFn {
  const instance = new WA.Instance(w.module, { env: { memory: w.memory } });
  return instance.exports.sgdRange as SgdRangeFn;
}

type NsvdUserFn = (
  items: number,
  ratings: number,
  from: number,
  to: number,
  used: number,
  u: number,
  Q: number,
  Y: number,
  userBias: number,
  itemBias: number,
  p: number,
  g: number,
  dim: number,
  mu: number,
  lr: number,
  reg: number,
  regBias: number,
) => number;

/** NSVD's per-user step (assembly/sgd.ts nsvdUser) bound to a memory. */
export function bindWasmNsvd(module: WasmModule, memory: WasmMemory): NsvdUserFn {
  const instance = new WA.Instance(module, { env: { memory } });
  return instance.exports.nsvdUser as NsvdUserFn;
}
