/**
 * `npm run model -- list | show VERSION | verify VERSION | rollback VERSION | prune [--keep N]`
 *
 * Looks after published model versions in the bucket MODEL_BUCKET at S3_ENDPOINT
 * (defaults: npm start's local stack; S3_ENDPOINT= (empty) for real AWS S3).
 */
import { Command, InvalidArgumentError } from 'commander';
import { FILES, fileKey } from '../lib/artifacts/format';
import { listVersions, prune, readLatest, rollback, verifyVersion, type VersionInfo } from '../lib/artifacts/versions';
import { createS3Client, s3SettingsFromEnv } from '../lib/storage/s3-client';
import { ObjectStore } from '../lib/storage/object-store';
import { storeSettingsFromEnv } from './local-stack';

function openStore(): ObjectStore {
  const { bucket, endpoint } = storeSettingsFromEnv();
  const settings = s3SettingsFromEnv();
  return new ObjectStore(bucket, createS3Client({ ...settings, ...(endpoint ? { endpoint } : {}) }));
}

/** A version id as given, or the live one for 'live'. */
async function versionId(store: ObjectStore, version: string): Promise<string> {
  if (version !== 'live') return version;
  const id = await readLatest(store);
  if (!id) throw new Error('no model is live');
  return id;
}

const formatMetric = (m: Record<string, number> | undefined): string =>
  m ? Object.entries(m).slice(0, 4).map(([k, v]) => `${k}=${Number(v.toPrecision(4))}`).join(' ') : '';

function printVersions(versions: VersionInfo[]): void {
  if (versions.length === 0) {
    console.log('no model versions published');
    return;
  }
  for (const v of versions) {
    const flag = v.live ? '*' : ' ';
    const checked = v.verified === undefined ? 'unverified' : v.verified ? 'verified' : `CORRUPT: ${v.problem}`;
    const state = v.complete ? `${v.model ?? ''} (${checked})` : `INCOMPLETE: ${v.problem}`;
    const mb = (v.bytes / 1e6).toFixed(1);
    console.log(`${flag} ${v.version}  ${v.createdAt}  ${mb} MB  ${state}  ${formatMetric(v.metrics)}${v.stoppedBy ? `  stopped by ${v.stoppedBy}` : ''}`);
  }
  console.log('(* = live, named by models/LATEST)');
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

const program = new Command('model').description('List, inspect, verify, roll back and prune published model versions.');

program
  .command('list')
  .option('--verify', "read every file back and check its sha256 (else a version's state is 'unverified': sizes only)")
  .description('every version, newest first')
  .action(async (o: { verify?: boolean }) => {
    printVersions(await listVersions(openStore(), { verify: o.verify ?? false }));
  });

program
  .command('show')
  .argument('<version>', "a version id, or 'live'")
  .description("a version's manifest (without the curve) and its training report")
  .action(async (version: string) => {
    const store = openStore();
    const id = await versionId(store, version);
    const manifest = await verifyVersion(store, id);
    const { training, ...rest } = manifest;
    console.log(JSON.stringify({ ...rest, training: { epochs: training.epochs, stoppedBy: training.stoppedBy, points: training.curve.length } }, null, 2));
    console.log(`verified: every file matches its sha256; learning curve: s3://${store.bucket}/${fileKey(id, FILES.reportCurve)}`);
  });

program
  .command('verify')
  .argument('<version>', "a version id, or 'live'")
  .description("reads every file of a version back and checks it against the manifest")
  .action(async (version: string) => {
    const store = openStore();
    const id = await versionId(store, version);
    const manifest = await verifyVersion(store, id);
    console.log(`${id}: ${Object.keys(manifest.files).length} files verified`);
  });

program
  .command('rollback')
  .argument('<version>')
  .description('makes an older (verified) version live')
  .action(async (version: string) => {
    const store = openStore();
    const before = await readLatest(store);
    await rollback(store, version);
    console.log(`live model: ${before ?? '(none)'} -> ${version}`);
  });

program
  .command('prune')
  .option('--keep <n>', 'complete versions to keep, the live one included', positiveInt, 5)
  .description('deletes old versions beyond --keep and stale incomplete ones (never the live one)')
  .action(async (opts: { keep: number }) => {
    const removed = await prune(openStore(), { keep: opts.keep });
    console.log(removed.length ? `deleted: ${removed.join(', ')}` : 'nothing to delete');
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exitCode = 1;
}
