/**
 * iALS tasks for the shared kernel worker pool (lib/models/kernels/pool.ts): a job
 * attaches the shared tables once, then each half-step sends one row range per worker.
 */
import type { TaskContext } from '../kernels/tasks';
import { HalfStepSolver, type HalfStepParams, type WeightedCsr } from './solve';

/** Everything a worker needs; with more than one thread every typed array is over a SharedArrayBuffer. */
export interface SharedIalsState {
  nUsers: number;
  nItems: number;
  userCsr: WeightedCsr;
  itemCsr: WeightedCsr;
  P: Float32Array;
  Q: Float32Array;
  /** The fixed side's Gram matrix, written by the calling thread before each half-step. */
  gram: Float64Array;
  params: HalfStepParams;
}

export type Side = 'users' | 'items';

export interface HalfStepTask {
  side: Side;
  start: number;
  end: number;
}

/** Solves rows [start, end) of one side of `state` in place. */
export function runHalfStep(solver: HalfStepSolver, s: SharedIalsState, task: HalfStepTask): void {
  if (task.side === 'users') {
    solver.solveRows(s.userCsr, s.nItems, s.Q, s.gram, s.P, s.params, task.start, task.end);
  } else {
    solver.solveRows(s.itemCsr, s.nUsers, s.P, s.gram, s.Q, s.params, task.start, task.end);
  }
}

const KEY = 'ials';

interface AttachedJob {
  state: SharedIalsState;
  solver: HalfStepSolver;
}

export const IALS_TASKS = {
  'ials.attach': (state: SharedIalsState, ctx: TaskContext) => {
    ctx.state.set(KEY, { state, solver: new HalfStepSolver(state.params.dim) } satisfies AttachedJob);
    return true;
  },
  'ials.halfStep': (task: HalfStepTask, ctx: TaskContext) => {
    const job = ctx.state.get(KEY) as AttachedJob | undefined;
    if (!job) throw new Error('ials.halfStep before ials.attach');
    runHalfStep(job.solver, job.state, task);
    return true;
  },
  'ials.detach': (_: unknown, ctx: TaskContext) => ctx.state.delete(KEY),
};
