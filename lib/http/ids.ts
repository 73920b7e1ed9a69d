import { stringIdProblem, type ExternalId } from '../data/external-id';
import type { IdIndex } from '../serving/id-index';
import { HttpError } from './errors';
import { MovieIdText, UserIdText } from './params';

/**
 * Ids in requests are read as the model's ids are: a model trained on integer ids takes
 * digits only (as it always has), a model trained on string ids takes any id of up to
 * 128 bytes without control characters. An id of the other kind is a 400 that says so,
 * never a silent "unknown".
 */
const WHAT = { user: 'the user id', movie: 'the movie id' } as const;

/** An id as text (query string, path): the model's kind of id, or a 400. */
export function idFromText(index: IdIndex, text: string, of: keyof typeof WHAT): ExternalId {
  if (index.kind === 'int') return (of === 'user' ? UserIdText : MovieIdText).parse(text);
  const problem = stringIdProblem(text);
  if (problem) throw new HttpError(400, 'invalid-request', `${WHAT[of]} ${problem}`);
  return text;
}

/** A posted id (JSON): a number for an integer-id model, a string for a string-id model, or a 400. */
export function checkPostedId(index: IdIndex, id: ExternalId, of: keyof typeof WHAT): ExternalId {
  const wanted = index.kind === 'int' ? 'number' : 'string';
  if (typeof id !== wanted) {
    throw new HttpError(400, 'invalid-request', `${WHAT[of]} ${JSON.stringify(id)} must be a ${wanted}: this model's ${of} ids are ${wanted}s`);
  }
  return id;
}
