import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedApiKey } from '../../lib/events/api-key';
import { cachedLiveRules } from '../../lib/events/live-rules';
import { createEventsAuthorizer } from '../../lib/http/events-authorizer';
import { createEventsHandler } from '../../lib/http/events-app';
import { startTestS3 } from '../helpers/s3';

/** The events function in-process against a real s3rver: what the HTTP test cannot reach (S3 going away, the authorizer's own paths). */
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const context = { awsRequestId: 'req-1', functionName: 'events', getRemainingTimeInMillis: () => 5000 } as unknown as Context;

function request(body: unknown, apiKey: string | null = 'valid'): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /events',
    rawPath: '/events',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/events' }, ...(apiKey ? { authorizer: { lambda: { apiKey } } } : {}) },
  } as unknown as APIGatewayProxyEventV2;
}

let s3: Awaited<ReturnType<typeof startTestS3>>;
beforeAll(async () => {
  s3 = await startTestS3('events-app');
});
afterAll(async () => s3?.close());

describe('the events function', () => {
  it('stores and acknowledges while S3 answers, then answers 503 JSON and acknowledges nothing when it does not', async () => {
    const handler = createEventsHandler({ store: s3.store, logger, liveRules: cachedLiveRules(s3.store, 0) });
    const ok = await handler(request([{ userId: 1, movieId: 2 }]), context);
    expect(ok.statusCode).toBe(202);
    expect(await s3.store.list('events/')).toEqual([JSON.parse(ok.body!).key]);

    await s3.close();
    const down = await handler(request([{ userId: 1, movieId: 3 }]), context);
    expect(down.statusCode).toBe(503);
    expect(JSON.parse(down.body!)).toEqual({ error: 'storage-unavailable', message: expect.stringMatching(/nothing was/) });
    s3 = await startTestS3('events-app');
  });

  it('refuses a request the authorizer did not pass (401), and says 503 when the key could not be read', async () => {
    const handler = createEventsHandler({ store: s3.store, logger, liveRules: async () => undefined });
    expect((await handler(request([{ userId: 1, movieId: 2 }], null), context)).statusCode).toBe(401);
    expect((await handler(request([{ userId: 1, movieId: 2 }], 'invalid'), context)).statusCode).toBe(401);
    const unavailable = await handler(request([{ userId: 1, movieId: 2 }], 'unavailable'), context);
    expect(unavailable.statusCode).toBe(503);
    expect(JSON.parse(unavailable.body!).error).toBe('key-check-unavailable');
    expect(await s3.store.list('events/')).toEqual([]);
  });
});

describe('the events authorizer', () => {
  const event = (headers: Record<string, string>) => ({ headers }) as never;

  it('passes its verdict on, reading the key once per container', async () => {
    let reads = 0;
    const key = cachedApiKey({ EVENTS_API_KEY_PARAM: '/movie-reco/test/events-api-key' }, async (name) => {
      reads++;
      expect(name).toBe('/movie-reco/test/events-api-key');
      return 'k-123';
    });
    const authorize = createEventsAuthorizer(key, logger);
    expect(await authorize(event({ 'x-api-key': 'k-123' }))).toEqual({ isAuthorized: true, context: { apiKey: 'valid' } });
    expect(await authorize(event({ 'X-Api-Key': 'k-123' }))).toEqual({ isAuthorized: true, context: { apiKey: 'valid' } });
    expect((await authorize(event({ 'x-api-key': 'k-124' }))).context.apiKey).toBe('invalid');
    expect((await authorize(event({}))).context.apiKey).toBe('missing');
    expect(reads).toBe(1);
  });

  it('prefers EVENTS_API_KEY, and says unavailable (not valid) when no key can be read; a failed read is retried', async () => {
    expect(await cachedApiKey({ EVENTS_API_KEY: 'local', EVENTS_API_KEY_PARAM: '/x' }, async () => 'ssm')()).toBe('local');
    let attempts = 0;
    const key = cachedApiKey({ EVENTS_API_KEY_PARAM: '/x' }, async () => {
      attempts++;
      if (attempts === 1) throw new Error('SSM unreachable');
      return 'k';
    });
    const authorize = createEventsAuthorizer(key, logger);
    expect((await authorize(event({ 'x-api-key': 'k' }))).context.apiKey).toBe('unavailable');
    expect((await authorize(event({ 'x-api-key': 'k' }))).context.apiKey).toBe('valid');
    expect((await createEventsAuthorizer(cachedApiKey({}), logger)(event({ 'x-api-key': '' }))).context.apiKey).toBe('unavailable');
  });
});
