/** What a task gets besides its args: state kept by this worker between tasks. */
export interface TaskContext {
  state: Map<string, unknown>;
  threadId: number;
}
export type Task = (args: never, ctx: TaskContext) => unknown;
