import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/**
 * API Gateway HTTP API (payload 2.0) events and a Lambda context, shaped as API Gateway
 * sends them, for invoking the handler in-process.
 */
export interface EventInput {
  query?: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export function httpEvent(method: string, path: string, input: EventInput = {}): APIGatewayProxyEventV2 {
  const query = input.query ?? '';
  const joined: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) joined[k] = k in joined ? `${joined[k]},${v}` : v;
  const headers: Record<string, string> = {
    host: 'localhost',
    'user-agent': 'vitest',
    ...(input.contentType ? { 'content-type': input.contentType } : {}),
    ...input.headers,
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers,
    ...(query ? { queryStringParameters: joined } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: false,
  };
}

/** A Lambda context for calling a handler in-process; its remaining time counts down from `remainingMs`. */
export function lambdaContext({ functionName = 'recommend', remainingMs = 30_000 }: { functionName?: string; remainingMs?: number } = {}): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `aws-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => remainingMs - (Date.now() - started),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
