import { createHash } from 'node:crypto';
import type { ObjectStore } from '../storage/object-store';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 and length of a stored object, streamed (constant memory); undefined if missing. */
export async function sha256OfObject(
  store: ObjectStore,
  key: string,
): Promise<{ sha256: string; bytes: number } | undefined> {
  const got = await store.getStream(key);
  if (!got) return undefined;
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of got.stream as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
