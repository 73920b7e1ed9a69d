import type { ParsedEvent } from '../routes';
import type { HttpResult } from '../responses';
import type { PageAsset } from './asset';
import { PAGE_ASSETS } from './assets.generated';
import { PAGE_SECURITY_HEADERS } from './headers';

const YEAR = 365 * 24 * 3600;
const isHtml = (asset: PageAsset) => asset.contentType.startsWith('text/html');

/**
 * The HTML is revalidated on every load (it names the current script and style); those,
 * asked for by the `?v=` the HTML gives them, never change and are cached for a year.
 */
function cacheControl(asset: PageAsset, event: ParsedEvent): string {
  if (isHtml(asset)) return 'no-cache';
  return event.queryStringParameters?.v === asset.version ? `public, max-age=${YEAR}, immutable` : 'public, max-age=300';
}

/** If-None-Match names this version (a list, weak or strong). */
function notModified(asset: PageAsset, event: ParsedEvent): boolean {
  const tags = event.headers['if-none-match']?.split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags?.includes(`"${asset.version}"`) ?? false;
}

function assetHandler(asset: PageAsset) {
  return async (event: ParsedEvent): Promise<HttpResult> => {
    const headers: HttpResult['headers'] = {
      'Content-Type': asset.contentType,
      'Cache-Control': cacheControl(asset, event),
      ETag: `"${asset.version}"`,
      ...(isHtml(asset) ? PAGE_SECURITY_HEADERS : {}),
    };
    return notModified(asset, event) ? { statusCode: 304, headers, body: '' } : { statusCode: 200, headers, body: asset.body };
  };
}

/** GET /, /app.js and /app.css: the demo page, bundled into the function (no CDN, works offline). */
export const pageRoutes = () => PAGE_ASSETS.map((asset) => ({ method: 'GET', path: asset.path, handler: assetHandler(asset) }));
