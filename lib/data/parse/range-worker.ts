/** Worker-thread entry of the parallel file parse (file.ts): parses one range of a ratings file and sends it back. */
import { parentPort, workerData } from 'node:worker_threads';
import { parseFileRange, partBuffers, type RangeJob } from './file-range';

const port = parentPort;
if (!port) throw new Error('range-worker must run in a worker thread');

parseFileRange(workerData as RangeJob).then(
  (part) => port.postMessage({ part }, partBuffers(part)),
  (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
);
