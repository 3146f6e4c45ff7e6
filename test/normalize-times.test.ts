import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/db/seed/random.js';
import { time } from '../src/importers/normalize.js';

/** The oracle: the PBX's UTC form read by V8's own date parser, as ISO-8601 UTC text, or null. */
function byV8(raw: string): string | null {
  const date = new Date(`${raw.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('times read field by field', () => {
  it('PBX times: exactly as V8 reads them, on generated values at and past every field’s edge', () => {
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

  it('epoch milliseconds: exactly toISOString’s text, across and past the four-digit years', () => {
    const random = createRandom(20260023);
    const YEAR_0 = -62_167_219_200_000;
    const YEAR_10000 = 253_402_300_800_000;
    const DAY = 86_400_000;
    const edges = [0, -1, 1, YEAR_0, YEAR_0 - 1, YEAR_10000 - 1, YEAR_10000, Date.UTC(2000, 1, 29), Date.UTC(1900, 2, 1) - 1, Date.UTC(2100, 1, 28, 23, 59, 59, 999)];
    const values = [
      ...edges,
      ...Array.from({ length: 20_000 }, (_, i) => {
        // Spread over the whole range, near day and year edges, and in today's decades.
        if (i % 3 === 0) return random.int(YEAR_0 - DAY, YEAR_10000 + DAY);
        if (i % 3 === 1) return random.int(-400, 10_400) * 365 * DAY + random.int(-2, 2) - 62_167_219_200_000 + random.int(0, 3) * DAY;
        return Date.UTC(2026, 0, 1) + random.int(-20 * 365 * DAY, 20 * 365 * DAY);
      }),
      1.5,
      Number.NaN,
      8.64e15 + 1,
    ];
    for (const value of values) {
      const date = new Date(value);
      if (!Number.isFinite(value) || Number.isNaN(date.getTime())) {
        expect(() => time(value, 'attempted_at')).toThrow(/not a time/);
      } else {
        expect(time(value, 'attempted_at'), String(value)).toBe(date.toISOString());
      }
    }
  });
});
