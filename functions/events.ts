/**
 * The events Lambda: POST /events writes one object under events/ in the model bucket
 * (lib/http/events-app.ts). Its role may put events/* and read the live model's manifest,
 * nothing else. Env: MODEL_BUCKET, S3_ENDPOINT for the local s3rver.
 */
import { cachedLiveRules } from '../lib/events/live-rules';
import { createEventsHandler } from '../lib/http/events-app';
import { createObservability } from '../lib/http/observability';
import { ObjectStore } from '../lib/storage/object-store';

const bucket = process.env.MODEL_BUCKET;
if (!bucket) throw new Error('MODEL_BUCKET is not set: the events function writes to the model bucket');
const store = new ObjectStore(bucket);
const { logger } = createObservability('events');

export const handler = createEventsHandler({ store, logger, liveRules: cachedLiveRules(store) });
