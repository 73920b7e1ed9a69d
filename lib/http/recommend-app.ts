import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler, { type Route } from '@middy/http-router';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { ModelCache } from '../serving/model-cache';
import { bodyParser } from './body-parser';
import { jsonErrorHandler } from './error-handler';
import { HttpError } from './errors';
import type { HttpResult } from './responses';
import { pageRoutes } from './page/routes';
import { getHealth, getPopular, getRated, getReco, getSimilar, postReco, type RouteDeps } from './routes';

export interface RecommendAppDeps {
  cache: ModelCache;
  logger: Logger;
  metrics: Metrics;
}

export type RecommendHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

/** Latency of every request, and the model version it was answered from, in logs and metrics. */
function requestTiming(deps: RecommendAppDeps): MiddlewareObj {
  const started = new WeakMap<object, number>();
  const done = (request: Request) => {
    const t0 = started.get(request.event);
    const ms = t0 === undefined ? undefined : performance.now() - t0;
    if (ms !== undefined) deps.metrics.addMetric('latency', MetricUnit.Milliseconds, ms);
    // Answers from an older model because the live one does not verify (the DegradedModel alarm watches this).
    if (deps.cache.isDegraded) deps.metrics.addMetric('degradedAnswers', MetricUnit.Count, 1);
    const version = deps.cache.peek()?.version;
    if (version) deps.metrics.addMetadata('modelVersion', version);
    deps.logger.debug('answered', { status: (request.response as HttpResult | null)?.statusCode, ms, modelVersion: version });
  };
  return {
    before: (request) => {
      started.set(request.event as object, performance.now());
    },
    after: done,
    onError: done,
  };
}

/** What no route answers: 405 with Allow for a known path, else 404, both in our {error, message} shape. */
function noRoute(table: ReadonlyArray<{ method: string; path: string }>) {
  const patterns = table.map((r) => ({ method: r.method, path: new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
  return ({ method, path }: { method: string; path: string }): never => {
    const allowed = [...new Set(patterns.filter((p) => p.path.test(path)).map((p) => p.method))];
    if (allowed.length) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      throw new HttpError(405, 'method-not-allowed', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`, { Allow: allowed.join(', ') });
    }
    throw new HttpError(404, 'not-found', `no such route: ${method} ${path} (routes: ${table.map((r) => `${r.method} ${r.path}`).join(', ')})`);
  };
}

/**
 * The recommend Lambda: middy with the http middlewares, one router, one JSON error
 * handler. The routes are thin; the work is in lib/serving.
 */
export function createRecommendHandler(deps: RecommendAppDeps): RecommendHandler {
  let invocations = 0;
  const routeDeps: RouteDeps = { cache: deps.cache, metrics: deps.metrics, invocations: () => invocations };
  const table = [
    { method: 'GET', path: '/reco', handler: getReco(routeDeps) },
    { method: 'POST', path: '/reco', handler: postReco(routeDeps) },
    { method: 'GET', path: '/movies/{id}/similar', handler: getSimilar(routeDeps) },
    { method: 'GET', path: '/movies/popular', handler: getPopular(routeDeps) },
    { method: 'GET', path: '/users/{id}/rated', handler: getRated(routeDeps) },
    { method: 'GET', path: '/health', handler: getHealth(routeDeps) },
    ...pageRoutes(),
  ];
  // HEAD answers as GET does, without the body.
  const heads = table
    .filter((r) => r.method === 'GET')
    .map((r) => ({ ...r, method: 'HEAD', handler: async (event: never) => ({ ...(await r.handler(event)), body: '' }) }));
  const routes = [...table, ...heads] as unknown as Route<APIGatewayProxyEventV2, HttpResult>[];
  // No early-timeout race: every answer is cheap, and API Gateway answers a real timeout itself.
  const handler = middy<APIGatewayProxyEventV2, HttpResult>({ timeoutEarlyInMillis: 0 })
    .use({ before: () => void invocations++ })
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }))
    .use(requestTiming(deps))
    .use(httpEventNormalizer())
    .use(httpHeaderNormalizer())
    .use(httpCors({ origin: '*' }))
    // These two are for HTML only, and the page sends its own (page/headers.ts).
    .use(httpSecurityHeaders({ contentSecurityPolicy: false, permissionsPolicy: false }))
    .use(bodyParser())
    .use(jsonErrorHandler(deps.logger))
    .handler(httpRouterHandler({ routes, notFoundResponse: noRoute(table) }));
  return handler as unknown as RecommendHandler;
}
