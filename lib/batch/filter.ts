import * as z from 'zod';
import type { ExternalId } from '../data/external-id';
import { HttpError } from '../http/errors';
import { filterFromBody } from '../http/filter-params';
import { idFromText } from '../http/ids';
import { MAX_FILTER_VALUES } from '../http/params';
import { InvalidRequestError } from '../serving/errors';
import type { ItemFilter, ItemMask } from '../serving/item-filter';
import type { ServingModel } from '../serving/serving-model';
import { BatchRequestError } from './errors';

/**
 * A batch's filter, as the API takes it in a JSON body: `genres` (any of), `excludeGenres`,
 * `exclude` (movie ids), `years` (`1995` or `1990-1999`). A movie id may also be text
 * (the CLI's --exclude), read as a query string's is: digits for a model of integer ids.
 */
const Names = z.array(z.string().min(1, 'an empty name')).max(MAX_FILTER_VALUES);
export const BatchFilterFields = {
  genres: Names.optional(),
  excludeGenres: Names.optional(),
  exclude: z.array(z.union([z.number().int().min(0), z.string().min(1, 'an empty id')])).max(MAX_FILTER_VALUES).optional(),
  years: z.string().optional(),
};

export interface BatchFilter {
  genres?: string[];
  excludeGenres?: string[];
  exclude?: ExternalId[];
  years?: string;
}

/** The filter read against the model, and its item mask (undefined when nothing is filtered); a bad one is a BatchRequestError. */
export function resolveFilter(model: ServingModel, given: BatchFilter): { filter: ItemFilter; mask: ItemMask | undefined } {
  try {
    const exclude = given.exclude?.map((id) => (typeof id === 'string' ? idFromText(model.items, id, 'movie') : id));
    const filter = filterFromBody({ ...given, ...(exclude ? { exclude } : {}) }, model.items);
    return { filter, mask: model.masks.mask(filter) };
  } catch (err) {
    if (err instanceof z.ZodError) throw new BatchRequestError(`filter: ${err.issues.map((i) => i.message).join('; ')}`);
    if (err instanceof HttpError || err instanceof InvalidRequestError) throw new BatchRequestError(`filter: ${err.message}`);
    throw err;
  }
}
