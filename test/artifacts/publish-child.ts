/**
 * Child process for the kill-mid-publish test: publishes a fixture model to the
 * s3rver at argv[2] (bucket argv[3]) and prints `uploaded <file>` after each file,
 * then waits for the parent to kill it (the parent sends SIGKILL).
 */
import { publishModel } from '../../lib/artifacts/publish';
import { createS3Client } from '../../lib/storage/s3-client';
import { ObjectStore } from '../../lib/storage/object-store';
import { smallDataset, smallModel } from './fixture';

const [endpoint, bucket, version] = process.argv.slice(2);
const store = new ObjectStore(bucket!, createS3Client({ endpoint: endpoint!, maxAttempts: 1 }));
await publishModel(store, smallModel(smallDataset(60, 30, 8, 7)), {
  version: version!,
  onFileUploaded: async (file) => {
    process.stdout.write(`uploaded ${file}\n`);
    // Give the parent time to kill us between files.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  },
});
process.stdout.write('published\n');
