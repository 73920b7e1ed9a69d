import * as z from 'zod';
import { InvalidRequestError, NoModelError, StorageUnavailableError, UnknownMovieError } from '../serving/errors';

/** An error with the HTTP answer it stands for: status, a short machine-readable code, a message for people. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Headers the answer carries (e.g. Allow on a 405). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface ErrorAnswer {
  statusCode: number;
  body: { error: string; message: string };
  headers: Record<string, string>;
  /** Not the client's fault: log it in full. */
  internal: boolean;
}

const CODES: Record<number, string> = {
  400: 'bad-request',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
};

/** Maps anything thrown while answering to one JSON error; never leaks a stack or an internal message. */
export function errorAnswer(err: unknown): ErrorAnswer {
  const answer = (statusCode: number, error: string, message: string, internal = false, headers: Record<string, string> = {}): ErrorAnswer => ({
    statusCode,
    body: { error, message },
    headers,
    internal,
  });
  if (err instanceof HttpError) return answer(err.statusCode, err.code, err.message, false, err.headers);
  if (err instanceof z.ZodError) return answer(400, 'invalid-request', describeZodError(err));
  if (err instanceof UnknownMovieError) return answer(err.status, 'unknown-movie', err.message);
  if (err instanceof InvalidRequestError) return answer(400, 'invalid-request', err.message);
  if (err instanceof NoModelError) return answer(503, 'no-model', err.message);
  if (err instanceof StorageUnavailableError) return answer(503, 'storage-unavailable', err.message, true);
  // http-errors style (middy's createError, e.g. the router's 404): trust only client errors.
  const e = err as { statusCode?: unknown; expose?: unknown; message?: unknown };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && e.expose !== false) {
    return answer(e.statusCode, CODES[e.statusCode] ?? 'client-error', String(e.message ?? 'bad request'));
  }
  return answer(500, 'internal', 'internal error', true);
}

export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
