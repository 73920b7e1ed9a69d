import type { BlockedRatings } from './blocks';
import { sgdRange, type SgdStep, type SgdTables } from './sgd-kernel';
import { bindWasmSgd, type WasmSgd } from './wasm-sgd';
import type { TaskContext } from './tasks';

/**
 * One stratum of block-parallel SGD: the `grid` blocks (a, (a + shift) mod grid),
 * which pairwise share no user and no item group. Workers claim blocks from a shared
 * counter; each block's squared error lands in its own slot, so the sum is the same
 * whatever the claiming order, and so are the factors.
 */
export interface SgdJob {
  data: BlockedRatings;
  tables: SgdTables;
  /** [0]: next block of the running stratum to claim. */
  counter: Int32Array;
  /** Squared error of each block in its last run, indexed a * grid + b. */
  blockSse: Float64Array;
  /** When set, the WebAssembly SIMD kernel runs over this memory (which the arrays above view). */
  wasm?: WasmSgd;
}

type RangeKernel = (start: number, end: number, args: SgdStep) => number;
const kernels = new WeakMap<SgdJob, RangeKernel>();

/** The job's kernel for this thread: the wasm instance (made once per thread) or the JS loop. */
function kernelOf(job: SgdJob): RangeKernel {
  let k = kernels.get(job);
  if (!k) {
    const { data, tables, wasm } = job;
    if (wasm) {
      const run = bindWasmSgd(wasm);
      const l = wasm.layout;
      k = (start, end, s) =>
        run(l.users, l.items, l.ratings, start, end, l.P, l.Q, l.userBias, l.itemBias, tables.dim, s.mu, s.lr, s.reg, s.regBias);
    } else {
      k = (start, end, s) => sgdRange(data.users, data.items, data.ratings, start, end, tables, s);
    }
    kernels.set(job, k);
  }
  return k;
}

export interface StratumArgs extends SgdStep {
  shift: number;
}

export function runStratum(job: SgdJob, args: StratumArgs): number {
  const { data, counter, blockSse } = job;
  const grid = data.grid;
  const kernel = kernelOf(job);
  let done = 0;
  for (let a = Atomics.add(counter, 0, 1); a < grid; a = Atomics.add(counter, 0, 1)) {
    const block = a * grid + ((a + args.shift) % grid);
    blockSse[block] = kernel(data.blockStart[block]!, data.blockStart[block + 1]!, args);
    done++;
  }
  return done;
}

const KEY = 'sgd';

export const SGD_TASKS = {
  'sgd.attach': (job: SgdJob, ctx: TaskContext) => {
    ctx.state.set(KEY, job);
    return true;
  },
  'sgd.stratum': (args: StratumArgs, ctx: TaskContext) => {
    const job = ctx.state.get(KEY) as SgdJob | undefined;
    if (!job) throw new Error('sgd.stratum before sgd.attach');
    return runStratum(job, args);
  },
  'sgd.detach': (_: unknown, ctx: TaskContext) => ctx.state.delete(KEY),
};
