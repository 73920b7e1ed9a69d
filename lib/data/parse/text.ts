const utf8Strict = new TextDecoder('utf-8', { fatal: true });
// WHATWG 'latin1' is windows-1252, a superset of ISO-8859-1's printable characters.
const latin1 = new TextDecoder('latin1');

/** Collects a (small) stream into one buffer. */
export async function collectBytes(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    total += chunk.length;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Text of a file that is UTF-8 (newer MovieLens) or Latin-1 (ML-100K, ML-1M): valid
 * UTF-8 is read as UTF-8, anything else as Latin-1. A UTF-8 BOM is dropped.
 */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}
