import type { InteractionsFormat, RatingsFormat } from '../parse';
import type { MovieLensRelease } from './layouts';

/**
 * A source once opened, before anything is unzipped or parsed: the first of the three
 * steps every source goes through (open -> pick entries -> read). The openers (local.ts,
 * s3.ts, movielens.ts) make one; pick.ts takes it to the bytes to parse; read.ts parses.
 */
export interface Opened {
  /** Data set name. */
  name: string;
  /** The source as text (LoadedDataset.source) and in messages. */
  source: string;
  /** The file or object's own name: decides zip or not, MovieLens layout and format. */
  fileName: string;
  chunks: AsyncIterable<Uint8Array>;
  /** A plain local file holding the chunks: it may be parsed in ranges on several threads instead. */
  path?: string;
  /** Bytes, when known (for the parser's size hint). */
  size?: number;
  /** A MovieLens release whose layout and scale hold (by name, or a release zip named after itself). */
  release?: MovieLensRelease;
  /** A separate catalogue file (beside a MovieLens layout file, or declared), opened when the ratings are read. */
  catalog?: () => Promise<OpenedFile | undefined>;
  /** A ratings format the caller named (else the file name's or layout's, else sniffed). */
  format?: RatingsFormat;
  /** The declared schema (a file or S3 object of your own). */
  schema?: InteractionsFormat;
  /** Called when the zip turns out unreadable (a cached copy is dropped). */
  onUnreadableZip?: () => Promise<void>;
}

export interface OpenedFile {
  /** For messages. */
  name: string;
  fileName: string;
  chunks: AsyncIterable<Uint8Array>;
}
