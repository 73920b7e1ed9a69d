/**
 * The page's own security headers, sent with its HTML in place of middy's defaults for
 * these two: its default CSP sandboxes the document and blocks the page's own script, and
 * its Permissions-Policy names features Chromium does not know, a console warning each.
 */

/**
 * Script, style and API calls from this origin only, nothing inline, no frames, and DOM
 * writes through elements, never HTML strings (Trusted Types with no policy). No
 * upgrade-insecure-requests: locally the page is plain http.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Every powerful feature off: the page uses none. */
export const PAGE_PERMISSIONS = [
  'accelerometer', 'autoplay', 'camera', 'clipboard-read', 'clipboard-write', 'display-capture', 'encrypted-media',
  'fullscreen', 'gamepad', 'geolocation', 'gyroscope', 'hid', 'idle-detection', 'magnetometer', 'microphone', 'midi',
  'payment', 'picture-in-picture', 'publickey-credentials-get', 'screen-wake-lock', 'serial', 'sync-xhr', 'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

export const PAGE_SECURITY_HEADERS = {
  'Content-Security-Policy': PAGE_CSP,
  'Permissions-Policy': PAGE_PERMISSIONS,
};
