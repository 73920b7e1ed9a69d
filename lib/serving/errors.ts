/**
 * What can go wrong while serving, in the service's own terms. lib/http maps each
 * to a status code; anything else is an internal error.
 */

/** No model has been published yet, or none could be loaded: 503. */
export class NoModelError extends Error {
  override readonly name = 'NoModelError';
}

/** The model's storage could not be read for this request (a large model's user row): 503. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

/** The request names something the model does not know or cannot use: 400 / 404. */
export class UnknownMovieError extends Error {
  override readonly name = 'UnknownMovieError';
  constructor(
    readonly movieIds: ReadonlyArray<number | string>,
    readonly status: 400 | 404,
  ) {
    super(
      movieIds.length === 1
        ? `movie ${JSON.stringify(movieIds[0])} is not in the model`
        : `movies ${movieIds.slice(0, 20).map((id) => JSON.stringify(id)).join(', ')}${movieIds.length > 20 ? ', ...' : ''} are not in the model`,
    );
  }
}

/** A well-formed request the model still cannot answer (e.g. a rating outside the scale): 400. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}
