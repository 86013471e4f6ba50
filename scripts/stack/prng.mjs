// mulberry32: a small seeded generator, so generated mail, benchmark messages and fuzz inputs are
// the same on every machine (no Math.random).

/**
 * @param {string | number} seed
 * @returns {() => number} numbers in [0, 1)
 */
export function prng(seed) {
  let a = typeof seed === 'number' ? seed >>> 0 : [...seed].reduce((h, c) => Math.imul(h ^ c.codePointAt(0), 2654435761) >>> 0, 1779033703);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
