import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishModel } from '../../lib/artifacts/publish';
import type { RecommendHandler } from '../../lib/http/recommend-app';
import { toPublishInput } from '../../lib/pipeline/publish-input';
import { runTraining, type TrainingRun } from '../../lib/pipeline/train-pipeline';
import { httpEvent, lambdaContext, type EventInput } from '../../scripts/support/lambda-events';
import { startTestS3 } from '../helpers/s3';

/**
 * A click log with string ids and event types, no rating column, trained with iALS,
 * published, and served: ids come back as the strings they were, and requests are read
 * as string ids.
 */
const BUCKET = 'string-ids-test';
let s3: Awaited<ReturnType<typeof startTestS3>>;
let dir: string;
let run: TrainingRun;
let handler: RecommendHandler;

/** 60 users in 3 taste groups of 8 SKUs each; every user views 5 of their group's and buys 1. */
function clickLog(): string {
  const lines = ['visitor_id,sku,event_type'];
  for (let u = 0; u < 60; u++) {
    const group = u % 3;
    for (let k = 0; k < 6; k++) lines.push(`u-${u},SKU ${group}/${(u + k) % 8},${k === 0 ? 'purchase' : 'view'}`);
  }
  return lines.join('\n') + '\n';
}

async function call(event: APIGatewayProxyEventV2): Promise<{ status: number; body: Record<string, any> }> {
  const res = await handler(event, lambdaContext());
  return { status: res.statusCode, body: JSON.parse(res.body ?? 'null') };
}
const get = (path: string, input: EventInput = {}) => call(httpEvent('GET', path, input));

beforeAll(async () => {
  s3 = await startTestS3(BUCKET);
  dir = await mkdtemp(join(tmpdir(), 'string-ids-'));
  const path = join(dir, 'clicks.csv');
  await writeFile(path, clickLog());
  const items = ['sku;name;categories;year'];
  for (let g = 0; g < 3; g++) for (let k = 0; k < 8; k++) items.push(`SKU ${g}/${k};"Thing ${g}-${k}; deluxe";group ${g}|all;${2000 + k}`);
  await writeFile(join(dir, 'items.csv'), items.join('\n'));
  run = await runTraining({
    source: path,
    items: join(dir, 'items.csv'),
    model: 'ials',
    params: { dim: 8, epochs: 8 },
    format: { eventWeights: { view: 1, purchase: 5 } },
    split: [0.9, 0.05, 0.05],
    threads: 1,
  });
  await publishModel(s3.store, toPublishInput(run), { version: 'clicks' });
  Object.assign(process.env, {
    MODEL_BUCKET: BUCKET,
    S3_ENDPOINT: s3.endpoint,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = (await import('../../functions/recommend')) as unknown as { handler: RecommendHandler });
});
afterAll(async () => {
  await s3?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a click log with string ids', () => {
  it('is read as implicit feedback with string ids and event weights, and reported so', () => {
    expect(run.data).toMatchObject({ feedback: 'implicit', users: 60, items: 24, ratings: 360, catalogued: 24 });
    expect(run.data.columns).toMatch(/^user,item,event \(from the header; implicit feedback; string ids\)$/);
    expect(run.loaded.dataset.userIds.external(0)).toBe('u-0');
  });

  it('refuses a rating model, saying which models take implicit feedback', async () => {
    await expect(runTraining({ source: join(dir, 'clicks.csv'), model: 'svd', params: { epochs: 1 } })).rejects.toThrow(
      /svd learns from ratings.*implicit feedback.*ials, popularity, ease/,
    );
  });

  it('serves GET /reco for a string user id, with string movie ids from the user\'s own group', async () => {
    // u-4 is in group 1 and saw SKU 1/4..7, 1/0, 1/1: the two it has not seen come first.
    const { status, body } = await get('/reco', { query: 'UsrID=u-4&n_recos=2' });
    expect(status).toBe(200);
    expect(body.user).toBe('u-4');
    expect(body.fallback).toBeUndefined();
    expect(body.movies.map((m: { id: string }) => m.id).sort()).toEqual(['SKU 1/2', 'SKU 1/3']);
    // Titles and categories from the items file (a ';' inside quotes is data).
    const titled = body.movies.find((m: { id: string }) => m.id === 'SKU 1/2');
    expect(titled).toMatchObject({ title: 'Thing 1-2; deluxe', genres: ['group 1', 'all'], year: 2002 });
  });

  it('answers an unknown string user with the popular list, and a malformed id with a 400', async () => {
    expect((await get('/reco', { query: 'UsrID=42' })).body.fallback).toBe('popular');
    const bad = await get('/reco', { query: `UsrID=${encodeURIComponent('a\u0001b')}` });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/control character/);
  });

  it('folds in a visitor posting string movie ids, and refuses numeric ones for this model', async () => {
    const post = (ratings: unknown) => call(httpEvent('POST', '/reco', { body: JSON.stringify({ ratings, n: 4 }), contentType: 'application/json' }));
    const ok = await post([{ movieId: 'SKU 2/1', rating: 5 }, { movieId: 'SKU 2/3', rating: 1 }]);
    expect(ok.status).toBe(200);
    expect(ok.body.movies.map((m: { id: string }) => m.id)).not.toContain('SKU 2/1');
    expect(ok.body.movies[0].id).toMatch(/^SKU 2\//);
    const numeric = await post([{ movieId: 7, rating: 5 }]);
    expect(numeric.status).toBe(400);
    expect(numeric.body.message).toMatch(/must be a string: this model's movie ids are strings/);
  });
});
