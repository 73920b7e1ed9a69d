import { DataError } from '../errors';

const reason = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
};

/** A download that sends nothing for this long is given up. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * The body of an HTTP GET as chunks, with Node's fetch. Throws a DataError naming the
 * URL on an HTTP error status, a refused, broken or stalled connection, or a body
 * shorter or longer than its Content-Length.
 */
export async function* downloadChunks(
  url: string,
  what: string,
  idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS,
): AsyncGenerator<Uint8Array> {
  const controller = new AbortController();
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, idleTimeoutMs);
  };
  const why = (err: unknown) => (stalled ? `no data for ${idleTimeoutMs} ms` : reason(err));
  arm();
  // The clock runs only while we wait for the server, not while the consumer works.
  const idle = { waiting: arm, working: () => clearTimeout(timer) };
  try {
    yield* body(url, what, controller.signal, idle, why);
  } finally {
    clearTimeout(timer);
  }
}

async function* body(
  url: string,
  what: string,
  signal: AbortSignal,
  idle: { waiting(): void; working(): void },
  why: (err: unknown) => string,
): AsyncGenerator<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal });
  } catch (err) {
    throw new DataError(`${what}: cannot download ${url}: ${why(err)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new DataError(`${what}: ${url} answered HTTP ${response.status} ${response.statusText}`.trimEnd());
  }
  const length = response.headers.get('content-length');
  const declared = length !== null && !response.headers.get('content-encoding') ? Number(length) : undefined;
  let received = 0;
  try {
    for await (const chunk of response.body) {
      idle.working();
      received += chunk.length;
      yield chunk;
      idle.waiting();
    }
  } catch (err) {
    throw new DataError(`${what}: the download of ${url} broke off after ${received} bytes: ${why(err)}`);
  }
  if (declared !== undefined && received !== declared) {
    throw new DataError(`${what}: the download of ${url} gave ${received} bytes, Content-Length said ${declared}`);
  }
}
