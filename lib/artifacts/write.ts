import { endianness } from 'node:os';
import { nItems, nUsers, type Dataset } from '../data/dataset';
import type { Factors } from '../math/factors';
import type { Progress } from '../models/contract';
import { BLOCK_BYTES, blockCount, blocksFileOf, hashBlocks } from './blocks';
import { renderCurveSvg } from './curve-svg';
import { FILES, type FileEntry } from './format';
import { popularItems } from './popular';
import { buildSeenCsr } from './seen';

/** Everything a published model is made of. */
export interface PublishInput {
  factors: Factors;
  /** The FULL data set: seen items and popularity come from every rating, not a split. */
  dataset: Dataset;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  timings: Record<string, number>;
  curve: Progress[];
  epochs: number;
  stoppedBy?: string;
  source: { name: string; source: string; sha256: string };
  /** The newest posted-events object merged into the data, and how many events were. */
  events?: { through: string; merged: number };
}

/** One file of a model version, ready to upload: the bytes plus its manifest facts. */
export interface ArtifactFile {
  name: string;
  body: Buffer;
  contentType: string;
  dtype: FileEntry['dtype'];
  shape: number[];
  blocks?: FileEntry['blocks'];
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** A Buffer over a typed array's memory (no copy) in little-endian byte order. */
export function littleEndianBytes(arr: Float32Array | Int32Array | Uint32Array): Buffer {
  const view = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
  return LITTLE_ENDIAN ? view : Buffer.from(view).swap32();
}

export function matrix(name: string, arr: Float32Array, rows: number, cols: number): ArtifactFile {
  if (arr.length !== rows * cols) {
    throw new Error(`${name}: expected ${rows} x ${cols} = ${rows * cols} values, got ${arr.length}`);
  }
  return { name, body: littleEndianBytes(arr), contentType: 'application/octet-stream', dtype: 'f32', shape: [rows, cols] };
}

export function vector(name: string, arr: Float32Array | Int32Array | Uint32Array, dtype: 'f32' | 'i32' | 'u32'): ArtifactFile {
  return { name, body: littleEndianBytes(arr), contentType: 'application/octet-stream', dtype, shape: [arr.length] };
}

/** External ids in index order: int32 for integer ids, one UTF-8 line per id for string ids. */
export function ids(intName: string, textName: string, external: Int32Array | readonly string[]): ArtifactFile {
  if (external instanceof Int32Array) return vector(intName, external, 'i32');
  return { name: textName, body: Buffer.from(external.join('\n'), 'utf8'), contentType: 'text/plain; charset=utf-8', dtype: 'text', shape: [external.length] };
}

/** A per-user file (one a large model serves by range) and the checksums of its blocks. */
export function withBlocks(file: ArtifactFile): ArtifactFile[] {
  const name = blocksFileOf(file.name);
  const checksums: ArtifactFile = {
    name,
    body: hashBlocks(file.body),
    contentType: 'application/octet-stream',
    dtype: 'sha256',
    shape: [blockCount(file.body.length, BLOCK_BYTES), 32],
  };
  return [{ ...file, blocks: { size: BLOCK_BYTES, file: name } }, checksums];
}

function json(name: string, value: unknown, shape: number[] = []): ArtifactFile {
  return { name, body: Buffer.from(JSON.stringify(value)), contentType: 'application/json', dtype: 'json', shape };
}

/** Checks the factors fit the data set before anything is uploaded. */
export function checkPublishInput(input: PublishInput): void {
  const { factors: f, dataset: d } = input;
  const problems: string[] = [];
  if (f.nUsers !== nUsers(d)) problems.push(`factors have ${f.nUsers} users, the data set ${nUsers(d)}`);
  if (f.nItems !== nItems(d)) problems.push(`factors have ${f.nItems} items, the data set ${nItems(d)}`);
  if (!Number.isFinite(f.mu)) problems.push(`mu is ${f.mu}`);
  if (f.userBias && f.userBias.length !== f.nUsers) problems.push(`userBias has ${f.userBias.length} values for ${f.nUsers} users`);
  if (f.itemBias && f.itemBias.length !== f.nItems) problems.push(`itemBias has ${f.itemBias.length} values for ${f.nItems} items`);
  if (problems.length) throw new Error(`cannot publish this model: ${problems.join('; ')}`);
}

/** The report's metrics.json: what a person wants to see about one training run. */
export function reportMetrics(input: PublishInput, version: string): Record<string, unknown> {
  return {
    version,
    model: input.factors.kind,
    params: input.params,
    dataset: input.source,
    metrics: input.metrics,
    timings: input.timings,
    epochs: input.epochs,
    ...(input.stoppedBy ? { stoppedBy: input.stoppedBy } : {}),
  };
}

/**
 * Every data file of a version (all of format.ts's FILES but the manifest), in upload
 * order: the big matrices first, the report last. Float and int arrays are views over
 * the model's own memory, never copies.
 */
export function buildArtifactFiles(input: PublishInput, version: string): ArtifactFile[] {
  checkPublishInput(input);
  const { factors: f, dataset: d } = input;
  const files: ArtifactFile[] = [matrix(FILES.items, f.Q, f.nItems, f.dim)];
  if (f.P) files.push(...withBlocks(matrix(FILES.users, f.P, f.nUsers, f.dim)));
  if (f.Y) files.push(matrix(FILES.itemImplicit, f.Y, f.nItems, f.dim));
  if (f.itemBias) files.push(vector(FILES.itemBias, f.itemBias, 'f32'));
  if (f.userBias) files.push(...withBlocks(vector(FILES.userBias, f.userBias, 'f32')));

  const seen = buildSeenCsr(d);
  files.push(
    ...withBlocks(vector(FILES.seenIndex, seen.offsets, 'u32')),
    ...withBlocks(vector(FILES.seenItems, seen.items, 'i32')),
    ...withBlocks(vector(FILES.seenRatings, seen.ratings, 'f32')),
  );
  files.push(ids(FILES.userIds, FILES.userIdsText, d.userIds.toArray()), ids(FILES.itemIds, FILES.itemIdsText, d.itemIds.toArray()));
  files.push(vector(FILES.popular, popularItems(d), 'i32'));

  if (d.catalog) {
    const catalog = d.catalog;
    const ids = d.itemIds;
    const entries = Array.from({ length: f.nItems }, (_, i) => {
      const e = catalog.get(ids.external(i));
      return e ? { title: e.title, genres: e.genres, ...(e.year !== undefined ? { year: e.year } : {}) } : null;
    });
    files.push(json(FILES.catalog, entries, [f.nItems]));
  }

  files.push(json(FILES.reportMetrics, reportMetrics(input, version)));
  files.push({
    name: FILES.reportCurve,
    body: Buffer.from(renderCurveSvg(input.curve, `${f.kind} on ${input.source.name}: learning curve`)),
    contentType: 'image/svg+xml',
    dtype: 'svg',
    shape: [],
  });
  return files;
}
