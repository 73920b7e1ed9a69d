// Runs the container image's bundle the way the Lambda runtime would: imports
// <dir>/train.mjs and calls `handler` with an event file and a minimal context.
//   node invoke-bundle.mjs <bundle dir> <event.json>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [dir, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(`${dir}/train.mjs`).href);
const started = Date.now();
const context = {
  functionName: 'movie-reco-image-train',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:movie-reco-image-train',
  memoryLimitInMB: '10240',
  awsRequestId: 'image-test-1',
  getRemainingTimeInMillis: () => 900_000 - (Date.now() - started),
};
const result = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
