import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { jsonErrorHandler } from '../../lib/http/error-handler';
import { InvalidRequestError } from '../../lib/serving/errors';

/** A real Powertools logger writing to a buffer (it warns about, and drops, keys it reserves). */
function bufferedLogger() {
  const lines: string[] = [];
  const logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG', logFormatter: undefined });
  const out = { log: (l: string) => lines.push(l), info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), error: (l: string) => lines.push(l), debug: (l: string) => lines.push(l) };
  (logger as unknown as { console: typeof out }).console = out;
  return { logger, lines };
}

describe('jsonErrorHandler', () => {
  it("logs a rejected request's reason under keys the logger keeps, and answers {error, message}", async () => {
    const { logger, lines } = bufferedLogger();
    const request = { error: new InvalidRequestError('rating 9 is outside the scale 1..5') } as unknown as Parameters<NonNullable<ReturnType<typeof jsonErrorHandler>['onError']>>[0];
    await jsonErrorHandler(logger).onError!(request);
    expect(JSON.parse(request.response!.body as string)).toEqual({ error: 'invalid-request', message: 'rating 9 is outside the scale 1..5' });
    const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.message === 'request rejected');
    expect(entry).toMatchObject({ status: 400, code: 'invalid-request', reason: 'rating 9 is outside the scale 1..5' });
    expect(lines.join('\n')).not.toMatch(/reserved/i);
  });
});
