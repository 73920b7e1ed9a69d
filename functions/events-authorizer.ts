/**
 * The Lambda authorizer of POST /events: the x-api-key header against EVENTS_API_KEY
 * (local) or the SSM parameter EVENTS_API_KEY_PARAM names (deployed; read once per
 * container). Its role may read that one parameter.
 */
import { cachedApiKey } from '../lib/events/api-key';
import { createEventsAuthorizer } from '../lib/http/events-authorizer';
import { createObservability } from '../lib/http/observability';

const { logger } = createObservability('events-authorizer');

export const handler = createEventsAuthorizer(cachedApiKey(), logger);
