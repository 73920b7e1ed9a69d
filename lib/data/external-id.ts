/** What an id may be, shared by ingest (id-map.ts) and serving (request validation). */

/** An external id: a data set's own integer id, or any string id (UUIDs, SKUs, "u196"). */
export type ExternalId = number | string;

/** The longest string id accepted, in UTF-8 bytes. */
export const MAX_ID_BYTES = 128;
// C0, DEL and C1 controls (ids are stored one per line, and printed).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const utf8 = new TextEncoder();

/** Why `id` cannot be a string id, or undefined when it can. */
export function stringIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'is empty';
  if (CONTROL.test(id)) return 'contains a control character';
  if (id.length > MAX_ID_BYTES / 3 && utf8.encode(id).length > MAX_ID_BYTES) return `is longer than ${MAX_ID_BYTES} bytes`;
  return undefined;
}
