/**
 * Streaming ratings parser: bytes in, Dataset out, in one pass. Numbers are read
 * straight from the bytes (no string per line); lines that span chunks are carried
 * over; only lines the fast path does not accept are decoded and handed to the
 * authoritative string parser (slow-line.ts), which accepts unusual-but-valid lines
 * and explains bad ones.
 */
import type { RatingScale } from '../dataset';
import { DataError } from '../errors';
import { detectSeparator } from '../format-detect';
import { BadLineCollector, checkMaxBadShare, decodeQuote, describeBadLines, enforceBadShare } from './bad-lines';
import { resolveDuplicates, type Interactions } from './duplicates';
import { MAX_ID_BYTES } from '../external-id';
import type { PortableIds } from '../id-map';
import { RatingsSink } from './ratings-sink';
import { isPositionalRatings, resolveLayout, type ColumnLayout } from './schema';
import { FORMAT_SEPARATORS, MAX_ID, parseLineSlow, SEPARATORS, splitFields, type LineRules, type Separator } from './slow-line';
import type { BadLineReport, ParseOptions, ParseResult } from './types';
import { COLON, CR, DOT, NL, SPACE, TAB, ZERO } from './bytes';

/** How many bytes to look at before deciding the format. */
export const SNIFF_BYTES = 64 * 1024;
/** Lines the layout is decided from (header, field count, what the values and ids look like). */
const LAYOUT_LINES = 2000;

/** A "line" longer than this (no newline in sight) is a bad line, not a memory hog. */
const MAX_LINE_BYTES = 1 << 20;
/** Up to 15 significant digits, mantissa / 10^k is exactly what Number(text) gives. */
const MAX_FAST_DIGITS = 15;
const POW10 = Array.from({ length: MAX_FAST_DIGITS + 1 }, (_, k) => 10 ** k);

const utf8 = new TextDecoder('utf-8');

export class RatingsParser {
  private readonly name: string;
  private readonly lo: number;
  private readonly hi: number;
  private readonly givenScale: RatingScale | undefined;
  private readonly maxBadShare: number;
  private sink!: RatingsSink;
  private readonly bad = new BadLineCollector();

  /** Separator: 2 = '::', 1 = the single byte sepByte, 0 = runs of spaces/tabs. */
  private sepKind = 0;
  private sepByte = 0;
  private layout!: ColumnLayout;
  private rules!: LineRules;
  /** Every line goes the string way (columns not in the fast path's order, implicit feedback). */
  private general = false;
  /** The fast path reads an id column as bytes (string ids). */
  private stringIds = false;
  /** The fast path's lines may have a fourth field (the timestamp), or must. */
  private timeAllowed = false;
  private timeRequired = false;
  private headerPending = false;
  /** Line 1 of this input is the file's first line (a BOM is dropped only there). */
  private atFileStart = true;

  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private carry = new Uint8Array(256);
  private carryLen = 0;
  private carryOverflow = false;

  private lineNo = 0;
  private dataLines = 0;
  private min = Infinity;
  private max = -Infinity;

  /**
   * `start`, when the plan is already made (ParsePlan): the parser reads a range of the
   * file with it; `header` says the range is the file's start (a BOM, the header line).
   */
  constructor(
    private readonly options: ParseOptions,
    start?: { plan: ParsePlan; header: boolean },
  ) {
    this.name = options.name ?? 'ratings';
    this.givenScale = options.scale;
    if (this.givenScale && !(this.givenScale.min <= this.givenScale.max)) {
      throw new RangeError(`invalid rating scale [${this.givenScale.min}, ${this.givenScale.max}]`);
    }
    this.lo = this.givenScale?.min ?? -Infinity;
    this.hi = this.givenScale?.max ?? Infinity;
    this.maxBadShare = checkMaxBadShare(options.maxBadShare ?? 0.01);
    givenSeparator(options); // an unknown separator is refused before any byte is read
    if (start) {
      this.apply(start.plan, start.header);
      this.atFileStart = start.header;
    }
  }

  push(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(`parseRatings reads bytes (Uint8Array chunks), got ${typeof chunk}: open the stream without an encoding`);
    }
    if (chunk.length === 0) return;
    if (this.rules) {
      this.feed(chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= SNIFF_BYTES) this.decideLayout();
  }

  /** The ratings of this input so far, as one range of a file, for another parser's absorb(). */
  part(): RangePart {
    this.finishInput();
    return {
      rows: this.sink.build(),
      userIds: this.sink.userIds.portable(),
      itemIds: this.sink.itemIds.portable(),
      lines: this.lineNo,
      dataLines: this.dataLines,
      bad: this.bad.report(),
      min: this.min,
      max: this.max,
    };
  }

  /** Appends the next range of the file (parsed elsewhere with the same plan), as if this parser had read it. */
  absorb(part: RangePart): void {
    this.finishInput();
    this.bad.absorb(part.bad, this.lineNo);
    this.lineNo += part.lines;
    this.dataLines += part.dataLines;
    this.min = Math.min(this.min, part.min);
    this.max = Math.max(this.max, part.max);
    this.sink.appendRange(part.rows, part.userIds, part.itemIds);
  }

  private finishInput(): void {
    if (!this.rules) this.decideLayout(true);
    if (this.carryLen > 0 || this.carryOverflow) {
      this.line(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      this.carryOverflow = false;
    }
  }

  end(): ParseResult {
    this.finishInput();
    const report = this.bad.report();
    if (this.sink.size === 0) {
      const why = report.count > 0 ? `: ${describeBadLines(this.name, report, this.dataLines)}` : '';
      throw new DataError(`no ratings in ${this.name}${why}`, report.count > 0 ? report : undefined);
    }
    enforceBadShare(this.name, report, this.dataLines, this.maxBadShare, this.options.onWarning);
    const { userIds, itemIds } = this.sink;
    const dedupeStart = performance.now();
    const { data, report: duplicates } = resolveDuplicates(
      this.sink.build(),
      userIds.size,
      itemIds.size,
      this.options.duplicates ?? 'last',
      (u, i) => `${this.name}: user ${userIds.external(u)}, item ${itemIds.external(i)}`,
    );
    const implicit = this.layout.rating === undefined;
    const dataset = {
      name: this.name,
      size: data.users.length,
      users: data.users,
      items: data.items,
      ratings: data.ratings,
      userIds,
      itemIds,
      scale: this.scale(),
      ...(implicit ? { feedback: 'implicit' as const } : {}),
    };
    const scaleFrom = this.givenScale ? ('declared' as const) : ('data' as const);
    const duplicateSeconds = (performance.now() - dedupeStart) / 1000;
    const newestTime = newest(data.times);
    return { dataset, lines: this.dataLines, bad: report, layout: this.layout, scaleFrom, duplicates, duplicateSeconds, ...(newestTime !== undefined ? { newestTime } : {}) };
  }

  private scale(): RatingScale {
    if (this.givenScale) return { min: this.givenScale.min, max: this.givenScale.max };
    return { min: Math.fround(this.min), max: Math.fround(this.max) };
  }

  /** Separator (unless given) and column layout, from the first bytes; then the buffered chunks are parsed. */
  private decideLayout(wholeInput = false): void {
    const plan = planParse(concat(this.pending, this.pendingBytes), this.options, wholeInput);
    this.apply(plan, plan.layout.skipHeader);
    const pending = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const chunk of pending) this.feed(chunk);
  }

  private apply({ sep, layout }: ParsePlan, header: boolean): void {
    this.sepKind = sep.kind;
    this.sepByte = sep.byte;
    this.layout = layout;
    this.stringIds = layout.userIds === 'string' || layout.itemIds === 'string';
    // String ids have a byte-level fast path for separated fields; runs of spaces go the string way.
    this.general = !isPositionalRatings(layout) || (this.stringIds && sep.kind === 0);
    this.timeAllowed = layout.fields === 4;
    this.timeRequired = layout.minFields === 4;
    this.headerPending = header && layout.skipHeader;
    this.sink = new RatingsSink(this.options.sizeHint ?? 0, layout.timestamp !== undefined, {
      users: layout.userIds,
      items: layout.itemIds,
    });
    this.rules = { sep, layout, min: this.lo, max: this.hi, eventWeights: this.options.eventWeights };
  }

  private feed(chunk: Uint8Array): void {
    let pos = 0;
    if (this.carryLen > 0 || this.carryOverflow) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.appendCarry(chunk, 0, chunk.length);
        return;
      }
      this.appendCarry(chunk, 0, nl);
      this.line(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      this.carryOverflow = false;
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= pos) {
      if (this.lineNo === 0 || this.headerPending) {
        // The first line goes the careful way (BOM, a header).
        const nl = chunk.indexOf(NL, pos);
        this.line(chunk, pos, nl);
        pos = nl + 1;
      }
      if (pos <= last) {
        if (this.sepKind === 0 || this.general) this.lines(chunk, pos, last);
        else this.scan(chunk, pos, last);
        pos = last + 1;
      }
    }
    if (pos < chunk.length) this.appendCarry(chunk, pos, chunk.length);
  }

  /** Complete lines in [p, last], where b[last] is '\n', one at a time. */
  private lines(b: Uint8Array, p: number, last: number): void {
    while (p <= last) {
      const nl = b.indexOf(NL, p);
      this.line(b, p, nl);
      p = nl + 1;
    }
  }

  /**
   * The hot loop for separated lines: complete lines in [p, last], b[last] being '\n'.
   * Every line ends in '\n', so digit loops need no bounds checks. Reads `id SEP id SEP
   * decimal [SEP integer] [\r] \n`, an id being digits, or for a string-id column
   * printable ASCII without quotes or outer spaces (idEnd); any other line (blank,
   * header, odd or bad) goes to line().
   */
  private scan(b: Uint8Array, p: number, last: number): void {
    const two = this.sepKind === 2;
    const sep = this.sepByte;
    const timeAllowed = this.timeAllowed;
    const timeRequired = this.timeRequired;
    const lo = this.lo;
    const hi = this.hi;
    const sink = this.sink;
    // A string-id column is read as its bytes (idEnd) and interned once the line has parsed.
    const userString = this.layout.userIds === 'string';
    const itemString = this.layout.itemIds === 'string';
    const stringIds = this.stringIds;
    let lineNo = this.lineNo;
    let dataLines = this.dataLines;
    let min = this.min;
    let max = this.max;
    while (p <= last) {
      const start = p;
      lineNo++;
      parse: {
        const us = p;
        let user = 0;
        let d: number;
        if (userString) {
          p = idEnd(b, p, sep, two);
          if (p < 0) break parse;
        } else {
          d = b[p]! - ZERO;
          if (d < 0 || d > 9) break parse;
          user = d;
          while ((d = b[++p]! - ZERO) >= 0 && d <= 9) user = user * 10 + d;
          if (user > MAX_ID || b[p] !== sep) break parse;
        }
        const ue = p;
        if (two) {
          if (b[++p] !== sep) break parse;
        }
        const is = ++p;
        let item = 0;
        if (itemString) {
          p = idEnd(b, p, sep, two);
          if (p < 0) break parse;
        } else {
          d = b[p]! - ZERO;
          if (d < 0 || d > 9) break parse;
          item = d;
          while ((d = b[++p]! - ZERO) >= 0 && d <= 9) item = item * 10 + d;
          if (item > MAX_ID || b[p] !== sep) break parse;
        }
        const ie = p;
        if (two) {
          if (b[++p] !== sep) break parse;
        }
        p++;
        let mantissa = 0;
        let digits = 0;
        while ((d = b[p]! - ZERO) >= 0 && d <= 9) {
          mantissa = mantissa * 10 + d;
          digits++;
          p++;
        }
        let fraction = 0;
        if (b[p] === DOT) {
          p++;
          while ((d = b[p]! - ZERO) >= 0 && d <= 9) {
            mantissa = mantissa * 10 + d;
            fraction++;
            p++;
          }
        }
        if (digits + fraction === 0 || digits + fraction > MAX_FAST_DIGITS) break parse;
        const rating = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
        if (rating < lo || rating > hi) break parse;
        let c = b[p]!;
        let time = NaN;
        if (c === sep) {
          if (!timeAllowed) break parse;
          if (two) {
            if (b[++p] !== sep) break parse;
          }
          const t = ++p;
          let whole = 0;
          while ((d = b[p]! - ZERO) >= 0 && d <= 9) {
            whole = whole * 10 + d;
            p++;
          }
          // Fractional or very long timestamps go the careful way.
          if (p === t || p - t > MAX_FAST_DIGITS || b[p] === DOT) break parse;
          time = whole;
          c = b[p]!;
        } else if (timeRequired) break parse;
        if (c === CR) c = b[++p]!;
        if (c !== NL) break parse;
        p++;
        if (stringIds) sink.addFromBytes(b, us, ue, user, is, ie, item, rating, time);
        else sink.add(user, item, rating, time);
        if (rating < min) min = rating;
        if (rating > max) max = rating;
        dataLines++;
        continue;
      }
      // Not the common shape: hand the whole line to the careful path.
      const nl = b.indexOf(NL, start);
      this.lineNo = lineNo - 1;
      this.dataLines = dataLines;
      this.min = min;
      this.max = max;
      this.line(b, start, nl);
      lineNo = this.lineNo;
      dataLines = this.dataLines;
      min = this.min;
      max = this.max;
      p = nl + 1;
    }
    this.lineNo = lineNo;
    this.dataLines = dataLines;
    this.min = min;
    this.max = max;
    // The batch of string-id lines points into b: intern it before b goes.
    if (stringIds) sink.flush();
  }

  private appendCarry(chunk: Uint8Array, start: number, end: number): void {
    let len = end - start;
    if (this.carryLen + len > MAX_LINE_BYTES) {
      this.carryOverflow = true;
      len = MAX_LINE_BYTES - this.carryLen;
      if (len <= 0) return;
    }
    if (this.carryLen + len > this.carry.length) {
      let size = this.carry.length * 2;
      while (size < this.carryLen + len) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(start, start + len), this.carryLen);
    this.carryLen += len;
  }

  /** One line [s, e) without its '\n'. */
  private line(b: Uint8Array, s: number, e: number): void {
    const lineNo = ++this.lineNo;
    if (lineNo === 1 && this.atFileStart && e - s >= 3 && b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    if (e > s && b[e - 1] === CR) e--;
    if (s === e) return;
    if (this.headerPending) {
      // The header, already read by resolveLayout.
      this.headerPending = false;
      return;
    }
    if (this.carryOverflow && b === this.carry) {
      this.dataLines++;
      this.bad.addBytes(lineNo, b, s, e, `line longer than ${MAX_LINE_BYTES} bytes`);
      return;
    }
    if (this.general || this.stringIds || !this.fastLine(b, s, e)) this.slowLine(lineNo, b, s, e);
  }

  /**
   * The per-line fast path, for what scan() does not see (the whitespace format, lines
   * across chunk boundaries, the first line): `digits SEP digits SEP decimal [SEP decimal]`.
   * Returns false, having added nothing, for anything else.
   */
  private fastLine(b: Uint8Array, s: number, e: number): boolean {
    let p = s;
    if (this.sepKind === 0) while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;

    // user id
    if (p >= e) return false;
    let d = b[p]! - ZERO;
    if (d < 0 || d > 9) return false;
    let user = d;
    while (++p < e && (d = b[p]! - ZERO) >= 0 && d <= 9) user = user * 10 + d;
    if (user > MAX_ID) return false;
    p = this.skipSeparator(b, p, e);
    if (p < 0) return false;

    // item id
    if (p >= e) return false;
    d = b[p]! - ZERO;
    if (d < 0 || d > 9) return false;
    let item = d;
    while (++p < e && (d = b[p]! - ZERO) >= 0 && d <= 9) item = item * 10 + d;
    if (item > MAX_ID) return false;
    p = this.skipSeparator(b, p, e);
    if (p < 0) return false;

    // rating: digits [. digits]
    let mantissa = 0;
    let digits = 0;
    while (p < e && (d = b[p]! - ZERO) >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      p++;
    }
    let fraction = 0;
    if (p < e && b[p] === DOT) {
      p++;
      while (p < e && (d = b[p]! - ZERO) >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        fraction++;
        p++;
      }
    }
    if (digits + fraction === 0 || digits + fraction > MAX_FAST_DIGITS) return false;
    const rating = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
    if (rating < this.lo || rating > this.hi) return false;

    // the timestamp (integer digits) when the layout has one
    let time = NaN;
    if (p < e ? this.timeAllowed : this.timeRequired) {
      p = this.skipSeparator(b, p, e);
      if (p < 0 || p >= e) return false;
      const t = p;
      let whole = 0;
      while (p < e && (d = b[p]! - ZERO) >= 0 && d <= 9) {
        whole = whole * 10 + d;
        p++;
      }
      if (p === t || p - t > MAX_FAST_DIGITS) return false;
      if (this.sepKind === 0) while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;
      time = whole;
    }
    if (p < e) return false;

    this.sink.add(user, item, rating, time);
    if (rating < this.min) this.min = rating;
    if (rating > this.max) this.max = rating;
    this.dataLines++;
    return true;
  }

  /** Position after the separator at p, or -1 if there is none. */
  private skipSeparator(b: Uint8Array, p: number, e: number): number {
    if (this.sepKind === 2) return p + 1 < e && b[p] === COLON && b[p + 1] === COLON ? p + 2 : -1;
    if (this.sepKind === 1) return p < e && b[p] === this.sepByte ? p + 1 : -1;
    if (p >= e || (b[p] !== SPACE && b[p] !== TAB)) return -1;
    do p++;
    while (p < e && (b[p] === SPACE || b[p] === TAB));
    return p;
  }

  private slowLine(lineNo: number, b: Uint8Array, s: number, e: number): void {
    const text = utf8.decode(b.subarray(s, e));
    if (text.trim() === '') return;
    const parsed = parseLineSlow(text, this.rules);
    this.dataLines++;
    if ('reason' in parsed) {
      this.bad.add(lineNo, text, parsed.reason);
      return;
    }
    this.sink.addAny(parsed.user, parsed.item, parsed.rating, parsed.time);
    if (parsed.rating < this.min) this.min = parsed.rating;
    if (parsed.rating > this.max) this.max = parsed.rating;
  }
}

/**
 * Where a string id starting at p ends (at its separator), or -1 when it is not one the
 * fast path reads: printable ASCII (a space only inside), no quote, 1 to 128 bytes.
 */
function idEnd(b: Uint8Array, p: number, sep: number, two: boolean): number {
  const start = p;
  for (;;) {
    const c = b[p]!;
    if (c === sep && (!two || b[p + 1] === sep)) break;
    if (c < 0x20 || c > 0x7e || c === 0x22) return -1;
    p++;
  }
  const len = p - start;
  if (len === 0 || len > MAX_ID_BYTES || b[start] === SPACE || b[p - 1] === SPACE) return -1;
  return p;
}

/** How a file's columns read, decided once from its first bytes; a parallel parse hands it to every range. */
export interface ParsePlan {
  sep: Separator;
  layout: ColumnLayout;
}

/** One range of a file, parsed with the file's plan: its rows in local id indices, and those ids in first-appearance order. */
export interface RangePart {
  rows: Interactions;
  userIds: PortableIds;
  itemIds: PortableIds;
  /** Physical lines of the range (bad-line numbers are counted from its start). */
  lines: number;
  dataLines: number;
  bad: BadLineReport;
  min: number;
  max: number;
}

function givenSeparator(options: ParseOptions): Separator | undefined {
  if (options.separator !== undefined) {
    if (!Object.hasOwn(SEPARATORS, options.separator)) {
      throw new DataError(`unknown separator ${JSON.stringify(options.separator)}; use one of ${Object.keys(SEPARATORS).map((k) => JSON.stringify(k)).join(', ')}`);
    }
    return SEPARATORS[options.separator as keyof typeof SEPARATORS];
  }
  return options.format && options.format !== 'auto' ? FORMAT_SEPARATORS[options.format] : undefined;
}

/** The separator (given, or sniffed from `head`) and the column layout; `wholeInput`: head is all of it. */
export function planParse(head: Uint8Array, options: ParseOptions, wholeInput: boolean): ParsePlan {
  const name = options.name ?? 'ratings';
  let sep = givenSeparator(options);
  if (!sep) {
    const detected = detectSeparator(head);
    if (detected) sep = SEPARATORS[detected];
    else if (isBlank(head)) sep = SEPARATORS[' ']; // nothing to read yet; any separator does
    else {
      const firstLineEnd = head.indexOf(NL) === -1 ? head.length : head.indexOf(NL);
      const first = decodeQuote(head, 0, firstLineEnd).trim();
      throw new DataError(
        `cannot tell the format of ${name}: no '::', tab, comma, ';', '|' or space separated fields ` +
          `(first line: ${JSON.stringify(first)}); pass the separator (--separator)`,
        undefined,
        { quotesData: true },
      );
    }
  }
  return { sep, layout: resolveLayout(options, firstLines(head, sep, wholeInput), name) };
}

/** The first non-blank lines of `head` (BOM and CR removed), split into fields; `whole`: head is all the input. */
function firstLines(head: Uint8Array, sep: Separator, whole: boolean): string[][] {
  const out: string[][] = [];
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (start < head.length && out.length < LAYOUT_LINES) {
    let end = head.indexOf(NL, start);
    // A last line cut by the sniff window is not looked at (unless it is the only one).
    if (end === -1) {
      if (!whole && out.length > 0) break;
      end = head.length;
    }
    const text = utf8.decode(head.subarray(start, end)).replace(/\r$/, '');
    if (text.trim() !== '') out.push(splitFields(text, sep));
    start = end + 1;
  }
  return out;
}

/** The largest timestamp, or undefined without any. */
function newest(times: Float64Array | undefined): number | undefined {
  if (!times || times.length === 0) return undefined;
  let max = -Infinity;
  for (let k = 0; k < times.length; k++) if (times[k]! > max) max = times[k]!;
  return Number.isFinite(max) ? max : undefined;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function isBlank(bytes: Uint8Array): boolean {
  for (let p = 0; p < bytes.length; p++) {
    const c = bytes[p]!;
    if (c !== SPACE && c !== TAB && c !== NL && c !== CR && !(p < 3 && (c === 0xef || c === 0xbb || c === 0xbf))) {
      return false;
    }
  }
  return true;
}

/**
 * Parses a ratings file arriving in chunks (a file or S3 stream). Formats: '::'
 * (.dat), tab (u.data), csv with or without a header, whitespace; 'auto' sniffs.
 * Blank lines are skipped, a UTF-8 BOM and CR before LF are ignored, the last line
 * may lack a newline. Bad lines are counted and quoted; more than maxBadShare of
 * them, or no ratings at all, is a DataError.
 */
export async function parseRatings(chunks: AsyncIterable<Uint8Array>, options: ParseOptions = {}): Promise<ParseResult> {
  const parser = new RatingsParser(options);
  for await (const chunk of chunks) parser.push(chunk);
  return parser.end();
}

/** parseRatings for bytes already in memory, synchronously. */
export function parseRatingsBuffer(bytes: Uint8Array, options: ParseOptions = {}): ParseResult {
  // Every rating line takes at least 6 bytes ("1 2 3\n"), so this hint is never too small.
  const parser = new RatingsParser({ sizeHint: Math.ceil(bytes.length / 6) + 1, ...options });
  parser.push(bytes);
  return parser.end();
}
