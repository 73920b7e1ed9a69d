import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3 } from '../../lib/storage/local-s3';
import { createS3Client } from '../../lib/storage/s3-client';
import { ObjectStore } from '../../lib/storage/object-store';

/** A real s3rver on a free loopback port with a fresh bucket; close() removes its files. */
export async function startTestS3(bucket = 'test-bucket') {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const s3 = await startLocalS3({ directory });
  const client = createS3Client({ endpoint: s3.endpoint, maxAttempts: 2 });
  const store = new ObjectStore(bucket, client);
  await store.ensureBucket();
  return {
    endpoint: s3.endpoint,
    store,
    client,
    async close() {
      client.destroy();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
