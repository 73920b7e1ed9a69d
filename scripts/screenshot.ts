/**
 * `npm run screenshot -- [URL] [--out FILE]`: the demo page of a running stack (`npm start`)
 * in headless Chromium, a user picked and the first recommendation's similar movies open,
 * saved as a PNG: by default docs/demo.png, the README's picture, from
 * http://127.0.0.1:$API_PORT/?user=40 (API_PORT default 3000).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_API_PORT } from './local-stack';
import { findChromium, launchChromium, NO_CHROMIUM } from './support/chromium';
import { captureUserPage, openDemoPage } from './support/demo-page';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'docs/demo.png' } } });
const url = positionals[0] ?? `http://127.0.0.1:${process.env.API_PORT || LOCAL_API_PORT}/?user=40`;
const chromiumPath = findChromium();
if (!chromiumPath) {
  console.error(`npm run screenshot: ${NO_CHROMIUM}`);
  process.exit(1);
}

const browser = await launchChromium(chromiumPath);
try {
  const opened = await openDemoPage(browser, url);
  mkdirSync(dirname(values.out), { recursive: true });
  await captureUserPage(opened.page, values.out);
  console.log(`saved ${values.out} (${url})`);
  if (opened.problems.length) console.warn(`the page reported:\n  ${opened.problems.join('\n  ')}`);
} finally {
  await browser.close();
}
