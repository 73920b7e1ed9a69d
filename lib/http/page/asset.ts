/** One file of the demo page as the recommend function serves it (the list is assets.generated.ts). */
export interface PageAsset {
  path: string;
  contentType: string;
  /** A hash of the body: its ETag, and the `?v=` of the page's links to it. */
  version: string;
  body: string;
}
