// Small numeric helpers for the benchmark's samples and its pass/miss verdicts.

/** { n, median, min, max } of a list of numbers (median of an even count: mean of the middle two). */
export function summarize(samples) {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return { n: 0, median: null, min: null, max: null };
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, median, min: s[0], max: s[s.length - 1] };
}

/** value / reference, or null when either is missing or the reference is zero. */
export function ratio(value, reference) {
  if (value == null || reference == null || reference === 0) return null;
  return value / reference;
}

/** PASS when the value is under the target, MISS otherwise (also when there is no value). */
export function verdict(value, target) {
  return value != null && value < target ? 'PASS' : 'MISS';
}

/**
 * The page of `size` rows the list shows around a position, newest first as the app counts:
 * posinset 1 is the newest message, which has the highest sequence number.
 * @returns {{ offset: number, seqFrom: number, seqTo: number }}
 */
export function pageAt(total, offset, size) {
  const o = Math.max(0, Math.min(offset, total - 1));
  const seqTo = total - o;
  return { offset: o, seqFrom: Math.max(1, seqTo - size + 1), seqTo };
}

/** The first page, and the page whose first row is the middle of the folder. */
export function benchPages(total, size = 100) {
  return { first: pageAt(total, 0, size), middle: pageAt(total, Math.floor(total / 2) - 1, size) };
}
