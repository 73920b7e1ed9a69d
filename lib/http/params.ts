import * as z from 'zod';
import { stringIdProblem } from '../data/external-id';
import { HttpError } from './errors';

/**
 * Request parameters of the recommend API, validated with zod. The PoC's names
 * (UsrID, n_recos) and friendlier aliases (userId, n) are both accepted, from the
 * query string or a urlencoded body; a parameter given twice (in any of its names or
 * places) is rejected rather than guessed at.
 */

export const MAX_RECOS = 100;
export const DEFAULT_RECOS = 10;
export const MAX_POSTED_RATINGS = 1000;
const MAX_ID = 0x7fffffff;

const integerText = (what: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${what} must be a whole number written with digits only`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`));

export const UserIdText = integerText('the user id', 0, MAX_ID);
export const CountText = integerText('the number of recommendations', 1, MAX_RECOS);
export const MovieIdText = integerText('the movie id', 0, MAX_ID);

/** A posted id before the model is known: an integer id or a valid string id (ids.ts checks it against the model). */
const PostedId = z.union([
  z.number().int().min(0).max(MAX_ID),
  z.string().refine((s) => stringIdProblem(s) === undefined, { error: (issue) => `id ${JSON.stringify(issue.input)} ${stringIdProblem(String(issue.input))}` }),
]);

/** The user id stays text until the model says whether its ids are integers or strings (ids.ts). */
export const RecoQuery = z.object({
  userId: z.string(),
  n: CountText.optional(),
});
export type RecoQuery = z.infer<typeof RecoQuery>;

export const MAX_FILTER_VALUES = 100;
const FilterNames = z.array(z.string().min(1, 'an empty name')).max(MAX_FILTER_VALUES);

/** The filter fields of a JSON body (filter-params.ts reads them against the model). */
const FilterBody = {
  genres: FilterNames.optional(),
  excludeGenres: FilterNames.optional(),
  exclude: z.array(PostedId).max(MAX_FILTER_VALUES).optional(),
  years: z.string().optional(),
};

export const VisitorBody = z
  .object({
    ratings: z
      .array(
        z.object({
          movieId: PostedId,
          rating: z.number().finite(),
        }),
      )
      .min(1, 'post at least one rating')
      .max(MAX_POSTED_RATINGS, `post at most ${MAX_POSTED_RATINGS} ratings`),
    n: z.number().int().min(1).max(MAX_RECOS).optional(),
    n_recos: z.number().int().min(1).max(MAX_RECOS).optional(),
    ...FilterBody,
  })
  .strict()
  .refine((b) => b.n === undefined || b.n_recos === undefined, { message: 'give n or n_recos, not both', path: ['n'] });
export type VisitorBody = z.infer<typeof VisitorBody>;

export const CountQuery = z.object({ n: CountText.optional() });

/** Every value of every name of a parameter, from the raw query and a parsed form body. */
export type ParamSource = Map<string, string[]>;

/** Query parameters with repeats kept (API Gateway joins repeats with commas in queryStringParameters). */
export function queryParams(event: { rawQueryString?: string; queryStringParameters?: Record<string, string | undefined> | null }): ParamSource {
  const out: ParamSource = new Map();
  if (typeof event.rawQueryString === 'string') {
    for (const [k, v] of new URLSearchParams(event.rawQueryString)) push(out, k, v);
    return out;
  }
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) {
    if (v !== undefined) for (const part of v.split(',')) push(out, k, part);
  }
  return out;
}

/** A urlencoded body (querystring.parse output: repeats are arrays). */
export function formParams(body: unknown): ParamSource {
  const out: ParamSource = new Map();
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) push(out, k, String(item));
    }
  }
  return out;
}

function push(map: ParamSource, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The single value of a parameter known by several names across several sources, or a 400. */
export function single(sources: ParamSource[], names: string[]): string | undefined {
  const values: string[] = [];
  for (const source of sources) for (const name of names) values.push(...(source.get(name) ?? []));
  if (values.length > 1) {
    throw new HttpError(400, 'invalid-request', `${names.join(' / ')} is given more than once`);
  }
  return values[0];
}

export function parseRecoParams(sources: ParamSource[]): RecoQuery {
  const userId = single(sources, ['UsrID', 'userId']);
  if (userId === undefined) throw new HttpError(400, 'invalid-request', 'UsrID (or userId) is required');
  const n = single(sources, ['n_recos', 'n']);
  return RecoQuery.parse({ userId, ...(n !== undefined ? { n } : {}) });
}

const ExplainText = z.enum(['true', 'false'], { error: (issue) => `explain must be true or false, got ${JSON.stringify(issue.input)}` });

/** `explain=true|false` (absent: false); anything else is a 400. */
export function parseExplain(sources: ParamSource[]): boolean {
  const text = single(sources, ['explain']);
  return text === undefined ? false : ExplainText.parse(text) === 'true';
}
