import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/db/seed/random.js';
import { time } from '../src/importers/normalize.js';

/** The oracle: the PBX's UTC form read by V8's own date parser, as ISO-8601 UTC text, or null. */
function byV8(raw: string): string | null {
  const date = new Date(`${raw.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('PBX times', () => {
  it('read field by field exactly as V8 reads them, on generated values at and past every field’s edge', () => {
    const random = createRandom(20260022);
    const fractions = ['', '.0', '.5', '.12', '.123', '.999', '.1234', '.000001'];
    let read = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const raw = `${pad(random.int(0, 9999), 4)}-${pad(random.int(0, 13), 2)}-${pad(random.int(0, 32), 2)} ${pad(random.int(0, 25), 2)}:${pad(random.int(0, 60), 2)}:${pad(random.int(0, 60), 2)}${fractions[random.int(0, fractions.length - 1)]}`;
      const expected = byV8(raw);
      if (expected === null) {
        expect(() => time(raw, 'start')).toThrow(/not a time/);
      } else {
        expect(time(raw, 'start'), raw).toBe(expected);
        read += 1;
      }
    }
    // Most values are in range: the comparison is not only of refusals.
    expect(read).toBeGreaterThan(10_000);
  });
});
