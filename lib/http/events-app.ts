import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { ExternalId } from '../data/external-id';
import type { LiveRules } from '../events/live-rules';
import { EventsInputError, validateEvents, type StoredEvent } from '../events/schema';
import { writeEvents } from '../events/store';
import type { ObjectStore } from '../storage/object-store';
import { bodyParser } from './body-parser';
import { jsonErrorHandler } from './error-handler';
import { HttpError } from './errors';
import { json, type HttpResult } from './responses';
import { requireAuthorizedKey } from './api-key-check';

export interface EventsAppDeps {
  store: ObjectStore;
  logger: Logger;
  liveRules: () => Promise<LiveRules | undefined>;
  now?: () => number;
}

export type EventsHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

/** Ids must be of the live model's kind, as everywhere in the API (a number for an integer-id model). */
function checkIdKinds(events: readonly StoredEvent[], rules: LiveRules): void {
  const check = (id: ExternalId, kind: 'int' | 'string', index: number, field: string) => {
    const wanted = kind === 'int' ? 'number' : 'string';
    if (typeof id !== wanted) throw new EventsInputError(`events[${index}].${field}: ${JSON.stringify(id)} must be a ${wanted}: this model's ids are ${wanted}s`, index, field);
  };
  events.forEach((e, i) => {
    check(e.userId, rules.userIds, i, 'userId');
    check(e.movieId, rules.movieIds, i, 'movieId');
  });
}

/**
 * POST /events [{userId, movieId, rating?, event?, timestamp?}] (1..100): validated, written
 * as ONE object under events/ and only then answered 202 {accepted, key}. A failed write is
 * a 503 and nothing is acknowledged.
 */
export function postEvents(deps: EventsAppDeps) {
  const now = deps.now ?? Date.now;
  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    if (event.body === undefined) throw new HttpError(400, 'invalid-request', 'POST /events needs a JSON array body [{userId, movieId, rating?, event?, timestamp?}]');
    const receivedMs = now();
    let rules: LiveRules | undefined;
    try {
      rules = await deps.liveRules();
    } catch (err) {
      deps.logger.error('reading the live model failed', err as Error);
      throw new HttpError(503, 'storage-unavailable', 'the event store is not reachable; nothing was written, retry later');
    }
    let events: StoredEvent[];
    try {
      events = validateEvents(event.body, { now: Math.floor(receivedMs / 1000), ...(rules ? { scale: rules.scale } : {}) });
      if (rules) checkIdKinds(events, rules);
    } catch (err) {
      if (err instanceof EventsInputError) throw new HttpError(400, 'invalid-request', err.message);
      throw err;
    }
    let key: string;
    try {
      key = await writeEvents(deps.store, events, receivedMs);
    } catch (err) {
      deps.logger.error('writing events failed', err as Error);
      throw new HttpError(503, 'storage-unavailable', 'the events could not be stored; nothing was accepted, retry later');
    }
    deps.logger.info('events stored', { key, accepted: events.length });
    return json(202, { accepted: events.length, key });
  };
}

/** The events function: the key check (the authorizer's verdict), the JSON body, one route. */
export function createEventsHandler(deps: EventsAppDeps): EventsHandler {
  const handler = middy<APIGatewayProxyEventV2, HttpResult>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(deps.logger))
    .use(httpEventNormalizer())
    .use(httpHeaderNormalizer())
    .use(jsonErrorHandler(deps.logger))
    .use(requireAuthorizedKey())
    .use(bodyParser())
    .handler(postEvents(deps) as never);
  return handler as unknown as EventsHandler;
}
