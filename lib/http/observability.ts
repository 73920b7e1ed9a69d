import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Structured JSON logs and CloudWatch EMF metrics (namespace and level from the POWERTOOLS_* env). */
export function createObservability(serviceName = 'recommend'): { logger: Logger; metrics: Metrics } {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MovieRecommender' }),
  };
}
