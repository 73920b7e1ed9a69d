const f32 = Math.fround;
/** Exact powers of ten (10^22 is the last one a double holds exactly). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A float32 score as the fewest of 7, 8 or 9 significant digits that read back as the same
 * float32 (9 always do): half the characters of the double's own text, which is what
 * JSON.stringify writes, and Math.fround of the parsed number is the score /reco answers,
 * bit for bit. Built from the integer of those digits, 3x faster than toPrecision; a
 * score beyond 1e7 or below 1e-15 (none of our models' are) gets the double's text. A
 * non-finite score (only a corrupt model has one) is null, so the line stays JSON.
 */
export function float32Text(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  const abs = Math.abs(x);
  if (abs === 0) return '0';
  const exponent = Math.floor(Math.log10(abs));
  for (let digits = 7; digits <= 9; digits++) {
    const scale = digits - 1 - exponent;
    if (scale < 0 || scale >= POW10.length) break;
    // m / 10^scale is exactly the double the decimal text parses to: both are exact, and IEEE division rounds correctly.
    const m = Math.round(abs * POW10[scale]!);
    if (f32(m / POW10[scale]!) === abs) return (x < 0 ? '-' : '') + decimal(String(m), scale);
  }
  return String(x);
}

/** The integer text `int` divided by 10^scale, as a JSON number without trailing zeros. */
function decimal(int: string, scale: number): string {
  let end = int.length;
  while (scale > 0 && int.charCodeAt(end - 1) === 48 /* '0' */) {
    end--;
    scale--;
  }
  const digits = int.slice(0, end);
  if (scale === 0) return digits;
  if (end > scale) return `${digits.slice(0, end - scale)}.${digits.slice(end - scale)}`;
  return `0.${'0'.repeat(scale - end)}${digits}`;
}
