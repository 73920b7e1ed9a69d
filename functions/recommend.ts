/**
 * The recommend Lambda: GET/POST /reco, GET /movies/{id}/similar, /movies/popular,
 * /users/{id}/rated, /health, and the demo page (GET /, /app.js, /app.css).
 * The model cache lives at module scope: loaded once per container, kept warm.
 * Env: MODEL_BUCKET, MODEL_REFRESH_SECONDS (default 60), MODEL_WHOLE_UP_TO_MB (per-user
 * files above this are read by range, default 64), USER_ROW_CACHE_MB (default 64),
 * S3_ENDPOINT for the local s3rver.
 */
import { createRecommendHandler } from '../lib/http/recommend-app';
import { createObservability } from '../lib/http/observability';
import { ModelCache } from '../lib/serving/model-cache';
import { ObjectStore } from '../lib/storage/object-store';
import { serviceSettingsFromEnv } from '../lib/serving/settings';

const settings = serviceSettingsFromEnv();
const { logger, metrics } = createObservability();
const cache = new ModelCache(new ObjectStore(settings.bucket), { ...settings.cache, log: logger });

export const handler = createRecommendHandler({ cache, logger, metrics });
