/**
 * Mulberry32: a small, fast, seedable 32-bit generator (period 2^32). Plenty for bootstrap index
 * draws; not for cryptography. The same seed always yields the same sequence.
 *
 * @returns a function drawing uniform numbers in [0, 1)
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
