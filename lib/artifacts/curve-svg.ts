/** One point of a learning curve (structurally lib/models/model.ts's Progress). */
export interface CurvePointLike {
  epoch: number;
  step: number;
  batchError: number;
  testError: number;
  best: boolean;
}

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 64, right: 20, top: 40, bottom: 52 };
const TRAIN_COLOUR = '#1f77b4';
const TEST_COLOUR = '#d62728';

/**
 * The learning curve as a small self-contained SVG: train (batch) and test error per
 * point, x = epoch (or step when several points share an epoch), with axes, ticks,
 * labels, a legend, and a dot on every new best test error.
 */
export function renderCurveSvg(curve: readonly CurvePointLike[], title = 'Learning curve'): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>\n`;
  const points = curve.filter((p) => Number.isFinite(p.batchError) || Number.isFinite(p.testError));
  if (points.length === 0) {
    return `${head}<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no training curve recorded</text>\n</svg>\n`;
  }

  const epochsDistinct = new Set(points.map((p) => p.epoch)).size === points.length;
  const xLabel = epochsDistinct ? 'epoch' : 'step';
  const xs = points.map((p) => (epochsDistinct ? p.epoch : p.step));
  const ys = points.flatMap((p) => [p.batchError, p.testError]).filter(Number.isFinite);
  const [x0, x1] = padRange(Math.min(...xs), Math.max(...xs), 0);
  const [y0, y1] = padRange(Math.min(...ys), Math.max(...ys), 0.05);
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;

  const parts: string[] = [head];
  // Axes and ticks.
  const bottom = MARGIN.top + plotH;
  parts.push(
    `<g stroke="#333" fill="none"><line x1="${MARGIN.left}" y1="${bottom}" x2="${MARGIN.left + plotW}" y2="${bottom}"/><line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}"/></g>\n`,
  );
  for (const t of ticks(x0, x1, 8)) {
    const x = fmt(sx(t));
    parts.push(
      `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333"/><text x="${x}" y="${bottom + 18}" text-anchor="middle">${label(t)}</text>\n`,
    );
  }
  for (const t of ticks(y0, y1, 6)) {
    const y = fmt(sy(t));
    parts.push(
      `<line x1="${MARGIN.left - 5}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#ddd"/><text x="${MARGIN.left - 8}" y="${y}" dy="4" text-anchor="end">${label(t)}</text>\n`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">${xLabel}</text>\n`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">error</text>\n`,
  );

  // Series.
  const series = (pick: (p: CurvePointLike) => number, colour: string) => {
    const coords = points
      .map((p, k) => [xs[k]!, pick(p)] as const)
      .filter(([, y]) => Number.isFinite(y))
      .map(([x, y]) => `${fmt(sx(x))},${fmt(sy(y))}`);
    if (coords.length === 1) {
      const [cx, cy] = coords[0]!.split(',');
      return `<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"/>\n`;
    }
    return coords.length ? `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${coords.join(' ')}"/>\n` : '';
  };
  parts.push(series((p) => p.batchError, TRAIN_COLOUR), series((p) => p.testError, TEST_COLOUR));
  points.forEach((p, k) => {
    if (p.best && Number.isFinite(p.testError)) {
      parts.push(`<circle cx="${fmt(sx(xs[k]!))}" cy="${fmt(sy(p.testError))}" r="3" fill="${TEST_COLOUR}"/>\n`);
    }
  });

  // Legend, top right inside the plot.
  const lx = MARGIN.left + plotW - 172;
  const ly = MARGIN.top + 10;
  parts.push(
    `<rect x="${lx}" y="${ly}" width="166" height="58" fill="white" stroke="#999"/>\n`,
    `<line x1="${lx + 8}" y1="${ly + 15}" x2="${lx + 32}" y2="${ly + 15}" stroke="${TRAIN_COLOUR}" stroke-width="2"/><text x="${lx + 38}" y="${ly + 19}">train (batch) error</text>\n`,
    `<line x1="${lx + 8}" y1="${ly + 32}" x2="${lx + 32}" y2="${ly + 32}" stroke="${TEST_COLOUR}" stroke-width="2"/><text x="${lx + 38}" y="${ly + 36}">test error</text>\n`,
    `<circle cx="${lx + 20}" cy="${ly + 48}" r="3" fill="${TEST_COLOUR}"/><text x="${lx + 38}" y="${ly + 52}">new best test</text>\n`,
    '</svg>\n',
  );
  return parts.join('');
}

function padRange(lo: number, hi: number, pad: number): [number, number] {
  if (hi - lo < 1e-12) return [lo - 1, hi + 1];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

/** "Nice" tick values (1, 2, 5 x 10^k steps) inside [lo, hi]. */
function ticks(lo: number, hi: number, target: number): number[] {
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

const fmt = (v: number): string => v.toFixed(1);
const label = (v: number): string => String(Number(v.toPrecision(4)));

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
