// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml) and
// for the Dockerfile's bundle (scripts/build/bundle-train.mjs).
//
// The training engine runs worker threads from their own entry file, found next to the
// bundle: lib/models/kernels/pool.ts loads `kernel-worker.mjs`, lib/data/parse/file.ts `parse-worker.mjs`. When the bundle being
// built is functions/train, this plugin bundles the worker entries into the same folder
// (ESM, like the handler).
const { mkdirSync } = require('node:fs');
const path = require('node:path');

const WORKERS = [
  { entry: 'lib/models/kernel-worker.ts', out: 'kernel-worker.mjs' },
  { entry: 'lib/data/parse/range-worker.ts', out: 'parse-worker.mjs' },
];

const banner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

/** The folder the train handler's bundle landed in (from the metafile), or undefined if this build is not train's. */
function trainOutDir(result, root) {
  for (const [out, meta] of Object.entries(result.metafile?.outputs ?? {})) {
    if (meta.entryPoint && /(^|[\\/])functions[\\/]train\.ts$/.test(meta.entryPoint)) return path.dirname(path.resolve(root, out));
  }
  return undefined;
}

const trainWorkers = {
  name: 'train-workers',
  setup(build) {
    const root = build.initialOptions.absWorkingDir ?? process.cwd();
    build.initialOptions.metafile = true;
    build.onEnd(async (result) => {
      if (result.errors.length) return;
      const dir = trainOutDir(result, root);
      if (!dir) return;
      mkdirSync(dir, { recursive: true });
      const esbuild = build.esbuild ?? require('esbuild');
      for (const w of WORKERS) {
        await esbuild.build({
          entryPoints: [path.join(root, w.entry)],
          outfile: path.join(dir, w.out),
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: build.initialOptions.target ?? 'node22',
          sourcemap: build.initialOptions.sourcemap ?? false,
          banner,
          logLevel: 'warning',
        });
      }
    });
  },
};

module.exports = [trainWorkers];
module.exports.trainWorkers = trainWorkers;
module.exports.WORKERS = WORKERS;
module.exports.banner = banner;
