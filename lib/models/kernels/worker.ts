/** Worker-thread entry: runs the named tasks of tasks.ts, keeping per-worker state. */
import { parentPort, threadId } from 'node:worker_threads';
import type { TaskMessage, TaskReply } from './pool';
import { TASKS, type TaskContext } from './tasks';

const port = parentPort;
if (!port) throw new Error('kernels/worker must run in a worker thread');
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
