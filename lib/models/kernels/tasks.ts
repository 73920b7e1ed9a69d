import { IALS_TASKS } from '../ials-tasks';
import { SGD_TASKS } from './sgd-tasks';

/** What a task gets besides its args: state kept by this worker between tasks. */
export interface TaskContext {
  state: Map<string, unknown>;
  threadId: number;
}
export type Task = (args: never, ctx: TaskContext) => unknown;

/** Every task a kernel worker can run, by name. One line per kernel module: add yours here. */
export const TASKS: Record<string, Task> = {
  ping: (_: unknown, ctx: TaskContext) => ctx.threadId,
  ...SGD_TASKS,
  ...IALS_TASKS,
};
