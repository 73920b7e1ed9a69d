import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { API_KEY_HEADER, keyVerdict } from '../events/api-key';
import type { KeyContext } from './api-key-check';

export interface AuthorizerAnswer {
  isAuthorized: boolean;
  context: KeyContext & Record<string, string>;
}

/**
 * The HTTP API's Lambda authorizer for /events (simple responses, no caching): compares
 * the x-api-key header with the expected key in constant time and passes its verdict on
 * (see api-key-check.ts for why it never denies itself).
 */
export function createEventsAuthorizer(expectedKey: () => Promise<string>, logger: Pick<Logger, 'error' | 'warn'>) {
  return async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerAnswer> => {
    const headers = event.headers ?? {};
    const given = headers[API_KEY_HEADER] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === API_KEY_HEADER)?.[1];
    let expected: string;
    try {
      expected = await expectedKey();
    } catch (err) {
      logger.error('the events API key could not be read', err as Error);
      return { isAuthorized: true, context: { apiKey: 'unavailable' } };
    }
    const verdict = keyVerdict(given, expected);
    if (verdict !== 'valid') logger.warn('events request without a valid key', { verdict });
    return { isAuthorized: true, context: { apiKey: verdict } };
  };
}
