/**
 * A batch request that cannot run as given (a bad event field, output location or
 * filter): the caller's to fix, like a 4xx. The CLI prints the message and exits 2; the
 * train function fails the invocation with it, having written nothing.
 */
export class BatchRequestError extends Error {
  override readonly name = 'BatchRequestError';
  readonly statusCode = 400;
}
