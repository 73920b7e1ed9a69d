/**
 * Worker-thread entry: runs the kernel tasks the model kinds register here, keeping
 * per-worker state. One line per kernel module: add yours to TASKS.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { BPMF_TASKS } from './bpmf/rows';
import { SPD_INVERSE_TASKS } from './ease/inverse-tiles';
import { IALS_TASKS } from './ials/tasks';
import type { TaskMessage, TaskReply } from './kernels/pool';
import { SGD_TASKS } from './kernels/sgd-tasks';
import type { Task, TaskContext } from './kernels/tasks';

const TASKS: Record<string, Task> = {
  ping: (_: unknown, ctx: TaskContext) => ctx.threadId,
  ...SGD_TASKS,
  ...IALS_TASKS,
  ...BPMF_TASKS,
  ...SPD_INVERSE_TASKS,
};

const port = parentPort;
if (!port) throw new Error('kernel-worker must run in a worker thread');
const state = new Map<string, unknown>();

port.on('message', async (m: TaskMessage) => {
  let reply: TaskReply;
  try {
    const task = TASKS[m.task];
    if (!task) throw new Error(`unknown kernel task "${m.task}"`);
    reply = { id: m.id, result: await (task as (args: unknown, ctx: TaskContext) => unknown)(m.args, { state, threadId }) };
  } catch (err) {
    reply = { id: m.id, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
