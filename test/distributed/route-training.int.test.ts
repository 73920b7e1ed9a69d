import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readLatest, verifyVersion } from '../../lib/artifacts/versions';
import { startTestS3 } from '../helpers/s3';
import { runDistributed, trainHandler } from './run-helpers';

const BUCKET = 'route-training';
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:movie-reco-test-distributed-train';

interface Received {
  target: string | undefined;
  body: { stateMachineArn: string; name: string; input: string };
}

/** A stand-in for the Step Functions API over real HTTP: answers StartExecution (JSON 1.0) and keeps what it was sent. */
async function startSfnStub() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const target = req.headers['x-amz-target'] as string | undefined;
      const body = JSON.parse(text) as Received['body'];
      const repeated = received.some((r) => r.body.name === body.name);
      received.push({ target, body });
      if (repeated) {
        // As Step Functions answers for a name whose execution has finished.
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.sfn#ExecutionAlreadyExists', message: `Execution Already Exists: '${body.name}'` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ executionArn: `${body.stateMachineArn.replace(':stateMachine:', ':execution:')}:${body.name}`, startDate: 1764820800 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', id: 'e1', detail: {} };

describe('the train function chooses its engine by the size of the source', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let sfn: Awaited<ReturnType<typeof startSfnStub>>;
  let invoke: Awaited<ReturnType<typeof trainHandler>>;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
    sfn = await startSfnStub();
    invoke = await trainHandler(s3.endpoint, BUCKET);
  });
  beforeEach(() => {
    Object.assign(process.env, {
      SFN_ENDPOINT: sfn.url,
      DISTRIBUTED_TRAIN_ARN: MACHINE,
      TRAIN_ENGINE: 'auto',
      DISTRIBUTED_ABOVE_RATINGS: '5000',
      DISTRIBUTED_ABOVE_BYTES: '2000',
      DISTRIBUTED_SHARDS: '3',
      DISTRIBUTED_EVAL_USERS: '50',
      TRAIN_SOURCE: 'synthetic:users=600,movies=120,perUser=12,seed=4',
      TRAIN_MODEL: 'ials',
      TRAIN_PARAMS: '{"dim":8,"epochs":2}',
    });
    sfn.received.length = 0;
  });
  afterAll(async () => {
    process.env = savedEnv;
    await sfn.close();
    await s3.close();
  });

  it('names the run after the scheduled event, so a second delivery of it starts nothing new', async () => {
    const delivery = { ...scheduled, id: 'a1b2c3d4-0000-4000-8000-000000000001', time: '2026-12-04T03:00:00Z' };
    const first = (await invoke(delivery)) as Record<string, any>;
    expect(first).toMatchObject({ mode: 'distributed-started', startDate: expect.any(String) });
    expect(first.runId).toMatch(/^20261204T030000Z-[0-9a-f]{6}$/);
    expect(first.alreadyStarted).toBeUndefined();
    const again = (await invoke(delivery)) as Record<string, any>;
    expect(again).toMatchObject({ mode: 'distributed-started', runId: first.runId, executionArn: first.executionArn, alreadyStarted: true });
    expect(again.startDate).toBeUndefined();
    // Both deliveries asked for the same execution with the same input.
    expect(sfn.received).toHaveLength(2);
    expect(sfn.received[1]!.body).toEqual(sfn.received[0]!.body);
    const other = (await invoke({ ...delivery, id: 'a1b2c3d4-0000-4000-8000-000000000002' })) as Record<string, any>;
    expect(other.runId).not.toBe(first.runId);
    expect(other.alreadyStarted).toBeUndefined();
  });

  it('past the threshold, starts the state machine with the same input instead of training; that input trains and publishes', async () => {
    const result = (await invoke(scheduled)) as Record<string, any>;
    expect(result).toMatchObject({ mode: 'distributed-started', engine: 'distributed', size: { unit: 'ratings', value: 7200 } });
    expect(result.reason).toBe('7200 ratings (users x perUser of the generator) is above 5000 ratings');
    expect(sfn.received).toHaveLength(1);
    const [{ target, body }] = sfn.received;
    expect(target).toBe('AWSStepFunctions.StartExecution');
    expect(body.stateMachineArn).toBe(MACHINE);
    expect(body.name).toBe(result.runId);
    expect(result.executionArn).toBe(`${MACHINE.replace(':stateMachine:', ':execution:')}:${result.runId}`);
    const input = JSON.parse(body.input);
    // The scheduled event's own fields (none): prepare lays them over the same env defaults.
    expect(input).toEqual({ config: {}, shards: 3, evalUsers: 50, runId: result.runId });
    // The function trained nothing itself.
    expect(await readLatest(s3.store)).toBeUndefined();

    const { output } = await runDistributed(s3.store, (event) => invoke(event), input);
    const { version } = output as { version: string };
    expect(await readLatest(s3.store)).toBe(version);
    const manifest = await verifyVersion(s3.store, version);
    expect(manifest.model.params).toMatchObject({ engine: 'distributed', shards: 3, dim: 8, epochs: 2, evalUsers: 50 });
    expect(manifest.nRatings).toBeGreaterThan(5000);
    expect((await s3.store.list(`distributed/${result.runId}/`)).length).toBeGreaterThan(0);
  }, 90_000);

  it('within the threshold, trains in the function as before and starts nothing', async () => {
    const result = (await invoke({ source: 'synthetic:users=200,movies=60,perUser=10,seed=4' })) as Record<string, any>;
    // users x perUser is 2,000 (the generator's counts are long-tailed around it).
    expect(result).toMatchObject({ mode: 'train', model: 'ials', dataset: { nUsers: 200 } });
    expect(await readLatest(s3.store)).toBe(result.version);
    expect(sfn.received).toHaveLength(0);
  }, 60_000);

  it("sizes an s3:// source by its ContentLength (one HeadObject) before reading it", async () => {
    const lines = ['user,item,rating'];
    for (let u = 1; u <= 60; u++) for (let i = 1; i <= 6; i++) lines.push(`${u},${i},${1 + ((u + i) % 5)}`);
    const body = `${lines.join('\n')}\n`;
    expect(body.length).toBeGreaterThan(2000);
    await s3.store.put('data/ratings.csv', body);
    const result = (await invoke({ source: `s3://${BUCKET}/data/ratings.csv` })) as Record<string, any>;
    expect(result).toMatchObject({ mode: 'distributed-started', size: { unit: 'bytes', value: body.length } });
    expect(JSON.parse(sfn.received[0]!.body.input).config).toEqual({ source: `s3://${BUCKET}/data/ratings.csv` });

    // The same object with a higher threshold: trained here.
    process.env.DISTRIBUTED_ABOVE_BYTES = String(body.length);
    expect(await invoke({ source: `s3://${BUCKET}/data/ratings.csv` })).toMatchObject({ mode: 'train', dataset: { nRatings: 360 } });
    expect(sfn.received).toHaveLength(1);
  }, 60_000);

  it('trainEngine (or the event\'s engine) overrides the size; distributed refuses what the state machine cannot train', async () => {
    process.env.TRAIN_ENGINE = 'single';
    expect(await invoke({ params: { dim: 4, epochs: 1 } })).toMatchObject({ mode: 'train', dataset: { nUsers: 600 } });
    expect(await invoke({ engine: 'distributed', source: 'synthetic:users=50,movies=20,perUser=5' })).toMatchObject({ mode: 'distributed-started', reason: 'trainEngine is distributed' });
    expect(sfn.received).toHaveLength(1);
    await expect(invoke({ engine: 'distributed', model: 'svd' })).rejects.toThrow('trainEngine is distributed, but distributed training runs iALS only, not svd');
    // auto past the threshold with a model the state machine does not train: trained here.
    process.env.TRAIN_ENGINE = 'auto';
    expect(await invoke({ model: 'popularity', params: {} })).toMatchObject({ mode: 'train', model: 'popularity' });
    expect(sfn.received).toHaveLength(1);
  }, 60_000);
});
