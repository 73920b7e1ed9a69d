import { createReadStream, existsSync } from 'node:fs';
import type { Dataset } from '../../../lib/data/dataset';
import { DataError, parseRatings } from '../../../lib/data/parse';
import { BenchError } from './cli';

/** A bench's --input file through lib/data/parse; a missing or unreadable file is a BenchError, not a stack. */
export async function readRatingsFile(path: string): Promise<Dataset> {
  if (!existsSync(path)) throw new BenchError(`--input: no file ${path}`);
  try {
    return (await parseRatings(createReadStream(path), { name: path })).dataset;
  } catch (error) {
    if (error instanceof DataError) throw new BenchError(`--input ${path}: ${error.message}`, 1);
    throw error;
  }
}
