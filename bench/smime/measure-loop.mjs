// How one operation is measured, the same in Node and in Chromium: a warm-up on a small message
// (compiles the code paths, initialises WebCrypto), then one run on the real message that is
// checked and whose peak memory is taken, then `repeats` timed runs. Every run starts after a full
// GC. The memory figure comes from that first full-size run in a fresh process: later runs would
// reuse pages the heap kept from earlier ones and look cheaper than they are.

/**
 * @param {{ repeats: number,
 *           warmUp: () => Promise<void>,
 *           run: (check: boolean) => Promise<{ ms: number, problem: string | null }>,
 *           gc: () => Promise<void>,
 *           memory: { reset(): Promise<number>, peak(): Promise<number> } }} o
 *   memory.reset() restarts the peak (high-water mark) and returns the memory in use now;
 *   memory.peak() returns the peak since.
 * @returns {Promise<{ firstMs: number, ms: number[], baselineBytes: number, peakBytes: number }>}
 *   peakBytes: the peak during the checked run minus the memory in use just before it.
 */
export async function measureOperation({ repeats, warmUp, run, gc, memory }) {
  await warmUp();
  await gc();
  const baselineBytes = await memory.reset();
  const first = await run(true);
  const peak = await memory.peak();
  if (first.problem) throw new Error(first.problem);
  const ms = [];
  for (let i = 0; i < repeats; i++) {
    await gc();
    const r = await run(false);
    ms.push(r.ms);
  }
  return { firstMs: first.ms, ms, baselineBytes, peakBytes: Math.max(0, peak - baselineBytes) };
}
