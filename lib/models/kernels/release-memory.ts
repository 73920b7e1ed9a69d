/**
 * Gives back the memory of big arrays nothing references any more: a fit calls it once
 * it has copied the training ratings into its own tables (kernel memory, CSR), so that
 * a caller who handed the data set over (dropped its references right after calling
 * fit, as the train bench does) does not hold two copies of the ratings through
 * training. Typed arrays live outside the V8 heap and V8 does not collect them on its
 * own before the next big tables are filled: measured, the 360 MB of a 30M-rating data
 * set stayed resident. So this waits one turn of the event loop (the caller's code
 * after its call runs), then runs two full collections: the second finishes the first's
 * sweep of array buffers, which is what unmaps them. A few ms to 0.1 s, so only for
 * inputs of at least RELEASE_MIN_BYTES.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const RELEASE_MIN_BYTES = 64 << 20;

let collect: (() => void) | undefined;

function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  // A context made after the flag is set gets the gc function (node has no API for it).
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Collects garbage twice after yielding once, when the input that was dropped held at least RELEASE_MIN_BYTES. */
export async function releaseMemory(droppedBytes: number): Promise<void> {
  if (droppedBytes < RELEASE_MIN_BYTES) return;
  await new Promise((resolve) => setImmediate(resolve));
  collect ??= fullCollection();
  collect();
  collect();
}

/** Bytes of a data set's rating arrays. */
export const ratingBytes = (d: { users: ArrayBufferView; items: ArrayBufferView; ratings: ArrayBufferView }): number =>
  d.users.byteLength + d.items.byteLength + d.ratings.byteLength;
