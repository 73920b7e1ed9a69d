import type { MiddlewareObj } from '@middy/core';
import { errorAnswer } from './errors';
import { json } from './responses';

export interface ErrorLog {
  error(message: string, error: Error): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

/**
 * The one error handler: every error becomes JSON {error, message} with its status.
 * Client errors are logged at warn without a stack; anything else is logged in full
 * and answered with a bare "internal error".
 */
export function jsonErrorHandler(log: ErrorLog): MiddlewareObj {
  return {
    onError: (request) => {
      const answer = errorAnswer(request.error);
      if (answer.internal) log.error('request failed', request.error as Error);
      // Powertools reserves `message`, so the reason goes under its own key.
      else log.warn('request rejected', { status: answer.statusCode, code: answer.body.error, reason: answer.body.message });
      request.response = json(answer.statusCode, answer.body, { ...answer.headers, ...(answer.statusCode === 503 ? { 'Retry-After': '5' } : {}) });
    },
  };
}
