import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where a system Chromium lives: Debian's `chromium` package first. */
const KNOWN_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const NAMES = ['chromium', 'chromium-browser'];

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** CHROMIUM_PATH if set, else a system Chromium at a known path or on PATH; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((dir) => NAMES.map((name) => join(dir, name)));
  return [...KNOWN_PATHS, ...onPath].find(executable);
}

export const NO_CHROMIUM = 'no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, or chromium on PATH); install it with `apt-get install -y chromium`';

/**
 * Headless Chromium through playwright-core (no browser download: the system's own). The
 * background services stay off: this machine's network is closed, and their refused
 * connections only slow the browser down.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
