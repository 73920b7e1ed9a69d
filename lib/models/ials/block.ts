/**
 * One block of an iALS half-step, for an engine that spreads a side's rows over many
 * processes (lib/distributed): the block's rows are solved by the same state, threads
 * and kernels as a whole job (state.ts, workers.ts, the WebAssembly kernel), against
 * the whole fixed side and its Gram matrix, which are given, not summed here.
 *
 * The job is laid out as if the block were the whole of its side: its rows are
 * numbered from 0, and the other side's table is the transpose of the block (each
 * fixed row's entries among the block's rows), which only the batched CG reads.
 */
import { extraConfidence } from './fold-in';
import type { WeightedCsr } from './solve';
import { ialsState, regulariser, rowLambdas } from './state';
import type { Side } from './tasks';
import { chooseWasm, type IalsParams } from './train';
import { IalsThreads } from './workers';

/** A block's ratings by row: offsets (rows + 1, from 0), the other side's global index and the rating of each entry. */
export interface BlockRatings {
  offsets: Uint32Array;
  cols: Int32Array;
  values: Float32Array;
}

export interface IalsBlockInput {
  /** Whose rows the block holds. */
  side: Side;
  ratings: BlockRatings;
  /** Rows of the other side. */
  otherRows: number;
  /**
   * Writes the other side's factors, all its rows (otherRows x dim), into `into`: the
   * job's own table, so the largest array of a block job is never held twice.
   */
  readFixed: (into: Float32Array) => Promise<void>;
  /** XᵀX of `fixed`. */
  fixedGram: Float64Array;
  /** The block's current factors (rows x dim): CG starts from them. */
  current: Float32Array;
}

export interface IalsBlockResult {
  /** The block's new factors (rows x dim). */
  factors: Float32Array;
  /** XᵀX of the new factors, so that the blocks' sum is the side's Gram matrix. */
  gram: Float64Array;
  /**
   * The block's share of the training objective (train.ts), not yet divided by
   * nUsers·nItems: for users, the observed terms, their λ_u‖x_u‖² and ⟨QᵀQ, X_bᵀX_b⟩;
   * for items, Σ λ_i‖y_i‖² over rated items.
   */
  loss: number;
}

/** Writes the transpose of `r` (rows x otherRows) into `out` (otherRows + 1 offsets), weighted. */
function transposeInto(r: BlockRatings, out: WeightedCsr, weightOf: (value: number) => number): void {
  const { offsets } = out;
  offsets.fill(0);
  for (let k = 0; k < r.cols.length; k++) offsets[r.cols[k]! + 1]!++;
  for (let c = 1; c < offsets.length; c++) offsets[c] += offsets[c - 1]!;
  const cursor = offsets.slice(0, offsets.length - 1);
  const rows = r.offsets.length - 1;
  for (let row = 0; row < rows; row++) {
    for (let k = r.offsets[row]!; k < r.offsets[row + 1]!; k++) {
      const at = cursor[r.cols[k]!]!++;
      out.cols[at] = row;
      out.weights[at] = weightOf(r.values[k]!);
    }
  }
}

export async function solveIalsBlock(input: IalsBlockInput, params: IalsParams, options: { threads?: number } = {}): Promise<IalsBlockResult> {
  const { dim } = params;
  const { side, ratings } = input;
  const rows = ratings.offsets.length - 1;
  const { otherRows } = input;
  if (!Number.isInteger(otherRows) || otherRows < 0 || input.current.length !== rows * dim || input.fixedGram.length !== dim * dim) {
    throw new RangeError(`iALS block: factors do not match ${rows} rows, dim ${dim}`);
  }
  const weightOf = (r: number): number => extraConfidence(r, params);
  const [nU, nI] = side === 'users' ? [rows, otherRows] : [otherRows, rows];
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const state = ialsState(
    nU,
    nI,
    {
      entries: ratings.cols.length,
      fill(users, items) {
        const [own, other] = side === 'users' ? [users, items] : [items, users];
        own.offsets.set(ratings.offsets);
        own.cols.set(ratings.cols);
        for (let k = 0; k < ratings.values.length; k++) own.weights[k] = weightOf(ratings.values[k]!);
        transposeInto(ratings, other, weightOf);
      },
    },
    { dim, reg: params.reg, regExponent: params.regExponent, cgSteps: params.cgSteps },
    { threads, wasm: chooseWasm(params) },
  );
  const [target, fixed] = side === 'users' ? [state.P, state.Q] : [state.Q, state.P];
  target.set(input.current);
  await input.readFixed(fixed);
  const pool = await IalsThreads.start(state, threads);
  try {
    pool.useGram(side === 'users' ? 'items' : 'users', input.fixedGram);
    await pool.halfStep(side);
    const factors = target.slice();
    if (side === 'users') {
      const loss = await pool.userObjective();
      return { factors, gram: (await pool.gramOf('users')).slice(), loss };
    }
    const gram = (await pool.gramOf('items')).slice();
    const lambdas = new Float64Array(rows);
    rowLambdas(state.itemCsr, otherRows, state.params, lambdas);
    return { factors, gram, loss: regulariser(factors, ratings.offsets, lambdas, dim) };
  } finally {
    await pool.close();
  }
}
