// Bundles the train Lambda for the container image (see Dockerfile): functions/train.ts
// and the training engine's worker entries, into one folder with no node_modules.
//   node scripts/build/bundle-train.mjs [outdir=dist/train]
// The folder holds train.mjs (handler `train.handler`), kernel-worker.mjs (the training
// engine's worker threads, SGD and iALS alike), parse-worker.mjs (a large file's ranges
// parsed at once), source maps and a package.json marking ESM.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import plugins from './esbuild-plugins.cjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = path.resolve(root, process.argv[2] ?? 'dist/train');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { train: 'functions/train.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'linked',
  mainFields: ['module', 'main'],
  banner: plugins.banner,
  plugins: [plugins.trainWorkers],
  logLevel: 'warning',
});
writeFileSync(path.join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
console.log(`bundled the train Lambda into ${path.relative(root, outdir) || '.'}`);
