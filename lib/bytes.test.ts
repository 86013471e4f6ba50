import { describe, expect, it } from 'vitest';

import { readCapped } from './bytes';

describe('readCapped', () => {
  const stream = (sizes: number[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        sizes.forEach((size, i) => controller.enqueue(new Uint8Array(size).fill(i + 1)));
        controller.close();
      },
    });

  it('returns every chunk joined when the total stays within the cap', async () => {
    expect(await readCapped(stream([2, 3]), 5)).toEqual(new Uint8Array([1, 1, 2, 2, 2]));
  });

  it('returns null as soon as the total passes the cap', async () => {
    expect(await readCapped(stream([4, 4, 4]), 7)).toBeNull();
  });
});
