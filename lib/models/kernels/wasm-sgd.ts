import { SGD_WASM_BASE64 } from './sgd-wasm.generated';
import { instantiate, lazyModule, type WasmMemory, type WasmModule } from '../../wasm/runtime';

/** The WebAssembly SIMD build of the SGD kernels (assembly/sgd.ts) over an arena's memory (lib/wasm/runtime.ts). */
const sgd = lazyModule(SGD_WASM_BASE64);
export const sgdWasmModule = sgd.module;
/** Whether this runtime can compile the kernel (SIMD + shared memory). */
export const wasmSgdAvailable = sgd.available;

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
  return instantiate(w.module, w.memory).sgdRange as SgdRangeFn;
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
  return instantiate(module, memory).nsvdUser as NsvdUserFn;
}
