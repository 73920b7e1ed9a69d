import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import type { KeyVerdict } from '../events/api-key';
import { HttpError } from './errors';

/** What the events authorizer hands the route (requestContext.authorizer.lambda). */
export interface KeyContext {
  apiKey: KeyVerdict | 'unavailable';
}

// serverless-offline lets a client set the authorizer's context with this header; API Gateway never does.
const OFFLINE_OVERRIDE = 'sls-offline-authorizer-override';

/**
 * The route's half of the key check. HTTP API cannot give an authorizer's denial a body of
 * our own, so the authorizer (events-authorizer.ts) lets every request through with its
 * verdict, and this answers anything but 'valid' with a 401 in our {error, message} shape.
 * No verdict at all (the authorizer not attached) is refused too: the route fails closed.
 */
export function requireAuthorizedKey(): MiddlewareObj {
  return {
    before: (request: Request) => {
      const event = request.event as APIGatewayProxyEventV2WithLambdaAuthorizer<Partial<KeyContext>>;
      if (event.headers?.[OFFLINE_OVERRIDE] !== undefined) throw new HttpError(401, 'unauthorized', 'an authorizer override header is not accepted');
      const verdict = event.requestContext?.authorizer?.lambda?.apiKey;
      if (verdict === 'valid') return;
      if (verdict === 'unavailable') throw new HttpError(503, 'key-check-unavailable', 'the API key could not be checked just now; retry later');
      const why = verdict === 'invalid' ? 'the x-api-key header does not hold a valid key' : 'POST /events needs an x-api-key header';
      throw new HttpError(401, 'unauthorized', why, { 'WWW-Authenticate': 'ApiKey header="x-api-key"' });
    },
  };
}
