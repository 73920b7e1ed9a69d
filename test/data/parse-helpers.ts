import type { Dataset } from '../../lib/data/dataset';
import type { ExternalId } from '../../lib/data/external-id';

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The bytes as an async stream of chunks of the given sizes (the last chunk takes the rest). */
export async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) break;
    yield bytes.subarray(at, Math.min(bytes.length, at + size));
    at += size;
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

/** Every `size` bytes a new chunk. */
export function everyNBytes(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  return chunked(bytes, new Array<number>(Math.ceil(bytes.length / size)).fill(size));
}

/** A data set's ratings as [external user, external item, rating] in order. */
export function triples(d: Dataset): Array<[ExternalId, ExternalId, number]> {
  const out: Array<[ExternalId, ExternalId, number]> = [];
  for (let r = 0; r < d.size; r++) {
    out.push([d.userIds.external(d.users[r]!), d.itemIds.external(d.items[r]!), d.ratings[r]!]);
  }
  return out;
}
