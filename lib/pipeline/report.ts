import { nItems, nUsers, type Dataset } from '../data/dataset';
import { describeLayout, type BadLineReport } from '../data/parse';
import type { LoadedDataset } from '../data/sources';
import { buildUserCsr } from '../data/csr';
import { trainedUserState, type Factors } from '../math/factors';
import { clip, predictRating, selectTopN, TopN } from '../math/scoring';
import { servingPart } from '../models/serving-registry';
import type { Progress } from '../models/contract';
import type { EventsMergeReport } from '../events/merge';

/** The PoC's training table: a header, then one line per epoch, `*` on a new best test error. */
export const PROGRESS_HEADER = 'step\tbatch_error\ttest_error\telapsed_time';

export function progressLine(p: Progress, stepOf: (p: Progress) => number = (x) => x.epoch): string {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(6) : '-');
  return `${stepOf(p)}\t${fmt(p.batchError)}\t${fmt(p.testError)}${p.best ? '*' : ''}\t${(p.elapsedMs / 1000).toFixed(2)}s`;
}

/**
 * The PoC's sample: up to `users` validation users (first seen first). A rating model
 * shows up to `perUser` of their real validation ratings next to its (clipped)
 * predictions; a ranking model, whose scores are not ratings, shows each user's top 10
 * (training items excluded) with the held-out items marked `*`.
 */
export function predictionTable(factors: Factors, train: Dataset, validation: Dataset, users = 10, perUser = 5): string[] {
  const rows = new Map<number, number[]>();
  for (let r = 0; r < validation.size; r++) {
    const u = validation.users[r]!;
    let row = rows.get(u);
    if (!row) {
      if (rows.size >= users) continue;
      rows.set(u, (row = []));
    }
    row.push(r);
  }
  const movie = (i: number) => String(validation.itemIds.external(i));
  if (factors.scoring === 'rating') {
    const lines = ['user\tmovie:real/predicted ...'];
    for (const [u, positions] of rows) {
      const cells = positions.slice(0, perUser).map((r) => {
        const i = validation.items[r]!;
        return `${movie(i)}:${validation.ratings[r]!.toFixed(1)}/${clip(predictRating(factors, u, i), factors.scale).toFixed(2)}`;
      });
      lines.push(`${validation.userIds.external(u)}\t${cells.join('  ')}`);
    }
    return lines;
  }
  const scorer = servingPart(factors.kind).open(factors);
  const seen = buildUserCsr(train);
  const heap = new TopN(10);
  const lines = ['user\ttop 10 (* = a held-out item of the user)'];
  for (const [u, positions] of rows) {
    const held = new Set(positions.map((r) => validation.items[r]!));
    const state = trainedUserState(factors, seen, u);
    const n = selectTopN(scorer.scoreAll(state), factors.nItems, heap, state.seen);
    const cells = Array.from(heap.items.subarray(0, n), (i) => `${movie(i)}${held.has(i) ? '*' : ''}`);
    lines.push(`${validation.userIds.external(u)}\t${cells.join(' ')}  (${cells.filter((c) => c.endsWith('*')).length}/${held.size} held out)`);
  }
  return lines;
}

/**
 * The run's quality in a few lines: validation RMSE/MAE and test RMSE for rating models,
 * validation ranking metrics for ranking models, and on planted synthetic data how far
 * the test RMSE is from the best any model can reach there.
 */
export function describeMetrics(m: Record<string, number | undefined>): string[] {
  const lines: string[] = [];
  if (m.validationRmse !== undefined) lines.push(`validation RMSE: ${m.validationRmse.toFixed(4)}  MAE: ${m.validationMae?.toFixed(4)}`);
  if (m.testRmse !== undefined) lines.push(`test RMSE: ${m.testRmse.toFixed(4)}`);
  if (m.bestRmse !== undefined && m.testRmse !== undefined) {
    const gap = (100 * (m.testRmse - m.bestRmse)) / m.bestRmse;
    lines.push(`best possible RMSE (the generator's noiseless scores): ${m.bestRmse.toFixed(4)}; test RMSE is ${gap.toFixed(1)}% above it`);
  }
  const ranking = ['ndcg@10', 'precision@10', 'recall@10', 'map@10']
    .filter((k) => m[`validation_${k}`] !== undefined)
    .map((k) => `${k} ${m[`validation_${k}`]!.toFixed(4)}`);
  if (ranking.length) lines.push(`validation ${ranking.join('  ')}`);
  return lines;
}

/** What was read and how: the report of every run (CLI, npm start, the train Lambda's log). */
export interface DataReport {
  source: string;
  ratings: number;
  users: number;
  items: number;
  /** Items the catalogue names (titles, genres). */
  catalogued: number;
  feedback: 'explicit' | 'implicit';
  scale: { min: number; max: number; from: 'declared' | 'data' | 'generator' };
  /** How each column was read, e.g. "user,item,rating,timestamp (by position; explicit ratings)". */
  columns: string;
  badLines: BadLineReport;
  duplicates: { policy: string; pairs: number; dropped: number; examples: Array<{ user: number | string; item: number | string; values: number[] }> };
  /** The posted events merged in (train with the model bucket). */
  events?: EventsMergeReport;
}

export function dataReport(loaded: LoadedDataset): DataReport {
  const d = loaded.dataset;
  const dup = loaded.duplicates;
  return {
    source: loaded.source,
    ratings: d.size,
    users: nUsers(d),
    items: nItems(d),
    catalogued: d.catalog ? countCatalogued(d) : 0,
    feedback: d.feedback ?? 'explicit',
    scale: { min: d.scale.min, max: d.scale.max, from: loaded.scaleFrom ?? 'generator' },
    columns: loaded.layout ? describeLayout(loaded.layout) : 'generated',
    badLines: loaded.bad,
    duplicates: {
      policy: dup?.policy ?? 'last',
      pairs: dup?.pairs ?? 0,
      dropped: dup?.dropped ?? 0,
      examples: (dup?.examples ?? []).map((e) => ({ user: d.userIds.external(e.user), item: d.itemIds.external(e.item), values: e.values })),
    },
  };
}

function countCatalogued(d: Dataset): number {
  let n = 0;
  for (let i = 0; i < nItems(d); i++) if (d.catalog!.has(d.itemIds.external(i))) n++;
  return n;
}

/** The data report as lines for people. */
export function describeData(r: DataReport): string[] {
  const scale = `${r.scale.min}..${r.scale.max} (${r.scale.from === 'data' ? 'inferred from the data; pass --scale to enforce one' : r.scale.from})`;
  const lines = [
    `loaded ${r.source}: ${r.ratings} ${r.feedback === 'implicit' ? 'interactions' : 'ratings'}, ${r.users} users, ${r.items} items`,
    `  columns: ${r.columns}`,
    `  catalogue: ${r.catalogued} of ${r.items} items have a title`,
    `  ${r.feedback === 'implicit' ? 'weights' : 'scale'}: ${scale}`,
    `  bad lines: ${r.badLines.count}`,
    ...r.badLines.examples.map((b) => `    line ${b.line}: ${JSON.stringify(b.text)} (${b.reason})`),
    `  repeated (user, item) pairs: ${r.duplicates.pairs} (${r.duplicates.dropped} lines resolved by "${r.duplicates.policy}")`,
    ...r.duplicates.examples.map((e) => `    user ${e.user}, item ${e.item}: ${e.values.join(', ')}`),
    ...(r.events ? describeEvents(r.events) : []),
  ];
  return lines;
}

function describeEvents(e: EventsMergeReport): string[] {
  const d = e.dropped;
  const newer = e.newerThan !== undefined ? ` newer than ${new Date(e.newerThan * 1000).toISOString()}` : '';
  return [
    `  posted events: ${e.read} read from ${e.objects} objects, ${e.merged} merged${newer}; dropped ${d.older} older, ${d.malformed} malformed, ${d.noRating} without a rating, ${d.outsideScale} outside the scale, ${d.wrongIdKind} with the wrong id kind`,
    ...e.examples.map((x) => `    ${x}`),
  ];
}
