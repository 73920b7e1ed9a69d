import type { Browser, Page } from 'playwright-core';

/** The page's lists, as the browser test and the screenshot script find them. */
export const LISTS = {
  rated: '#rated-list',
  reco: '#reco-list',
  similar: '#similar-list',
  visitor: '#visitor-form',
} as const;

export interface OpenedPage {
  page: Page;
  /** Console errors and warnings (a CSP violation is one), uncaught errors, failed requests. */
  problems: string[];
  close(): Promise<void>;
}

/** The demo page at `url` in a fresh browser context (an empty cache), watched for problems. */
export async function openDemoPage(browser: Browser, url: string): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (r) => {
    // The page aborts a request that a newer one for the same list replaces.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await page.goto(url);
  return { page, problems, close: () => context.close() };
}

/** The movie titles in a list, once it has one. */
export async function titlesIn(page: Page, list: string): Promise<string[]> {
  const titles = page.locator(`${list} .movie-title`);
  await titles.first().waitFor();
  return titles.allTextContents();
}

/** Milliseconds from the start of navigation to the end of the load event (HTML, style and script fetched and run). */
export const loadEventMs = (page: Page): Promise<number> =>
  page.evaluate<number>(`(() => { const nav = performance.getEntriesByType('navigation')[0]; return nav.loadEventEnd - nav.startTime; })()`);

/** A user's page with the genres, both lists and the first recommendation's similar movies in, as a PNG. */
export async function captureUserPage(page: Page, path: string): Promise<void> {
  await page.locator('#genres input').first().waitFor();
  await titlesIn(page, LISTS.rated);
  await titlesIn(page, LISTS.reco);
  await page.locator(`${LISTS.reco} .movie-title`).first().click();
  await titlesIn(page, LISTS.similar);
  await page.mouse.move(0, 0);
  await page.screenshot({ path, fullPage: true });
}
