import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Where a worker thread's code is, for `new Worker(code, { eval })`: the TypeScript entry
 * when running from source (tsx, vitest: the worker registers tsx itself, then imports
 * it), the bundled `.mjs` next to the bundle otherwise (esbuild-plugins.cjs bundles each
 * worker entry to its name), or wherever the override (an env variable) points.
 */
export interface WorkerEntry {
  /** The caller's import.meta.url (undefined in a CommonJS bundle: __filename is used). */
  from: string | undefined;
  /** The entry, relative to `from`, when running from source: '../kernel-worker.ts'. */
  source: string;
  /** The bundled entry's file name next to the bundle: 'kernel-worker.mjs'. */
  bundled: string;
  /** A path or file: URL that wins over both (tests, unusual layouts). */
  override?: string | undefined;
}

export function workerSource(entry: WorkerEntry): { code: string | URL; eval: boolean } {
  if (entry.override) return { code: entry.override.startsWith('file:') ? new URL(entry.override) : entry.override, eval: false };
  const here = entry.from ?? pathToFileURL(__filename).href;
  if (/\.[cm]?ts$/.test(new URL(here).pathname)) {
    const code = new URL(entry.source, here).href;
    const tsx = resolveTsxApi(here);
    return { code: `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(code)}); })`, eval: true };
  }
  return { code: new URL(`./${entry.bundled}`, here), eval: false };
}

/** The ESM entry of tsx's register API, as a URL the eval'd worker can import from any cwd. */
function resolveTsxApi(from: string): string {
  try {
    if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  } catch {
    // not resolvable this way under some runners; try require's resolution
  }
  try {
    return pathToFileURL(createRequire(from).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return 'tsx/esm/api';
  }
}
