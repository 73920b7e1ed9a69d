/**
 * The local S3 of `npm start` as its own process, so the API does not share a process
 * (and an event loop) with it: LOCAL_S3_PORT, LOCAL_DATA_DIR. Stops on SIGTERM / SIGINT.
 */
import { startLocalS3 } from '../../lib/storage/local-s3';

const port = Number(process.env.LOCAL_S3_PORT);
const directory = process.env.LOCAL_DATA_DIR;
if (!Number.isInteger(port) || !directory) {
  console.error('s3rver-process: needs LOCAL_S3_PORT and LOCAL_DATA_DIR');
  process.exit(2);
}
const s3 = await startLocalS3({ directory, port });
console.log(`s3rver listening at ${s3.endpoint}, data in ${directory}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void s3.close().then(() => process.exit(0)));
}
