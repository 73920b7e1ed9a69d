import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { ModelCache } from '../serving/model-cache';
import { ratedMovies } from '../serving/rated-movies';
import { popularMovies, recommendForUser, recommendForVisitor, similarMovies, type Recommendations } from '../serving/recommender';
import type { ItemMask } from '../serving/item-filter';
import type { ServingModel } from '../serving/serving-model';
import { HttpError } from './errors';
import { filterFromBody, filterFromParams } from './filter-params';
import { checkPostedId, idFromText } from './ids';
import { CountQuery, DEFAULT_RECOS, VisitorBody, formParams, parseExplain, parseRecoParams, queryParams } from './params';
import { json, type HttpResult } from './responses';

/** A request after middy's normalizers and the body parser: body is parsed (or undefined). */
export type ParsedEvent = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };

export interface RouteDeps {
  cache: ModelCache;
  metrics: Metrics;
  /** How many requests this container has started (1 on a cold start). */
  invocations: () => number;
}

function modelInfo(model: ServingModel) {
  return { version: model.version, kind: model.kind, trainedAt: model.manifest.createdAt };
}

/**
 * Records user-row cache hits and misses and corrupt rows refused (large models) from the
 * counters' change over one request, answered or not.
 */
async function countingRowReads<T>(metrics: Metrics, model: ServingModel, read: () => Promise<T>): Promise<T> {
  const rows = model.userRows;
  const before = { hits: rows.hits, misses: rows.misses, corrupt: rows.corrupt };
  try {
    return await read();
  } finally {
    if (rows.ranged) {
      if (rows.hits > before.hits) metrics.addMetric('userRowCacheHit', MetricUnit.Count, rows.hits - before.hits);
      if (rows.misses > before.misses) metrics.addMetric('userRowCacheMiss', MetricUnit.Count, rows.misses - before.misses);
      if (rows.corrupt > before.corrupt) metrics.addMetric('corruptUserRows', MetricUnit.Count, rows.corrupt - before.corrupt);
    }
  }
}

/** The `n` of a list endpoint's query (1..MAX_RECOS), DEFAULT_RECOS when absent. */
function countParam(event: ParsedEvent): number {
  return CountQuery.parse({ n: event.queryStringParameters?.n }).n ?? DEFAULT_RECOS;
}

/** `filtered`: how many movies the request's filter removed (present only with a filter). */
const filtered = (mask: ItemMask | undefined) => (mask ? { filtered: mask.removed } : {});

function answer(model: ServingModel, n: number, reco: Recommendations, mask: ItemMask | undefined, extra: Record<string, unknown>): HttpResult {
  return json(200, {
    ...extra,
    n,
    model: modelInfo(model),
    ...(reco.fallback ? { fallback: reco.fallback } : {}),
    ...filtered(mask),
    movies: reco.movies,
  });
}

/** GET /reco?UsrID=40&n_recos=5&explain=true (also userId / n, also as a urlencoded GET body). */
export function getReco(deps: RouteDeps) {
  return async (event: ParsedEvent): Promise<HttpResult> => {
    const sources = [queryParams(event), formParams(event.body)];
    const params = parseRecoParams(sources);
    const explain = parseExplain(sources);
    const n = params.n ?? DEFAULT_RECOS;
    const model = await deps.cache.current();
    const userId = idFromText(model.users, params.userId, 'user');
    const mask = model.masks.mask(filterFromParams(sources, model.items));
    const reco = await countingRowReads(deps.metrics, model, () => recommendForUser(model, userId, n, mask, explain));
    if (reco.fallback) deps.metrics.addMetric('fallbackPopular', MetricUnit.Count, 1);
    return answer(model, n, reco, mask, { user: userId });
  };
}

/** POST /reco?explain=true {ratings: [{movieId, rating}], n}: a visitor the model has not seen. */
export function postReco(deps: RouteDeps) {
  return async (event: ParsedEvent): Promise<HttpResult> => {
    if (event.body === undefined) throw new HttpError(400, 'invalid-request', 'POST /reco needs a JSON body {ratings: [{movieId, rating}], n}');
    const explain = parseExplain([queryParams(event)]);
    const body = VisitorBody.parse(event.body);
    const n = body.n ?? body.n_recos ?? DEFAULT_RECOS;
    const model = await deps.cache.current();
    for (const r of body.ratings) checkPostedId(model.items, r.movieId, 'movie');
    const mask = model.masks.mask(filterFromBody(body, model.items));
    const reco = recommendForVisitor(model, body.ratings, n, mask, explain);
    return answer(model, n, reco, mask, { user: null, rated: body.ratings.length });
  };
}

/** GET /movies/{id}/similar?n=10 (and the filters of /reco) */
export function getSimilar(deps: RouteDeps) {
  return async (event: ParsedEvent): Promise<HttpResult> => {
    const count = countParam(event);
    const model = await deps.cache.current();
    const movieId = idFromText(model.items, event.pathParameters?.id ?? '', 'movie');
    const mask = model.masks.mask(filterFromParams([queryParams(event)], model.items));
    const movies = similarMovies(model, movieId, count, mask);
    return json(200, { movie: movieId, n: count, model: modelInfo(model), ...filtered(mask), movies });
  };
}

/** GET /movies/popular?n=10 (and the filters of /reco): the most rated movies, as an unknown user gets them. */
export function getPopular(deps: RouteDeps) {
  return async (event: ParsedEvent): Promise<HttpResult> => {
    const count = countParam(event);
    const model = await deps.cache.current();
    const mask = model.masks.mask(filterFromParams([queryParams(event)], model.items));
    return json(200, { n: count, model: modelInfo(model), ...filtered(mask), movies: popularMovies(model, count, undefined, mask) });
  };
}

/** GET /users/{id}/rated?n=10: the movies a user rated, those the model scores highest for them first. */
export function getRated(deps: RouteDeps) {
  return async (event: ParsedEvent): Promise<HttpResult> => {
    const count = countParam(event);
    const model = await deps.cache.current();
    const userId = idFromText(model.users, event.pathParameters?.id ?? '', 'user');
    const rated = await countingRowReads(deps.metrics, model, () => ratedMovies(model, userId, count));
    if (!rated) throw new HttpError(404, 'unknown-user', `user ${JSON.stringify(userId)} is not in the model`);
    return json(200, { user: userId, n: count, model: modelInfo(model), rated: rated.total, movies: rated.movies });
  };
}

/** GET /health: the live model, its age, and whether this container was already warm. */
export function getHealth(deps: RouteDeps) {
  return async (): Promise<HttpResult> => {
    const warm = deps.invocations() > 1;
    const model = await deps.cache.current();
    const status = deps.cache.status();
    const ageSeconds = Math.max(0, Math.round((Date.now() - Date.parse(model.manifest.createdAt)) / 1000));
    return json(200, {
      status: 'ok',
      warm,
      model: { ...modelInfo(model), ageSeconds, users: model.manifest.nUsers, movies: model.manifest.nItems },
      loadedAt: new Date(model.loadedAt).toISOString(),
      ...(status.checkedAt !== undefined ? { checkedAt: new Date(status.checkedAt).toISOString() } : {}),
      // A fixed code only: the raw error (hosts, ports, file names) stays in the logs.
      ...(status.problem ? { refreshProblem: status.problem } : {}),
      ...(status.degraded ? { degraded: true, latestVersion: status.degraded.latestVersion, degradedReason: status.degraded.reason } : { degraded: false }),
    });
  };
}
