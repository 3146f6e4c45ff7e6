import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../src/importers/import.js';
import { readRecords } from '../src/importers/read.js';

/** The records of a document fed in chunks of `size` characters, so that every token is cut somewhere. */
async function records(document: string, size: number, format = FORMATS.freeclimb) {
  const chunks = Array.from({ length: Math.ceil(document.length / size) }, (_, i) => document.slice(i * size, (i + 1) * size));
  const out: unknown[] = [];
  for await (const record of readRecords(Readable.from(chunks), format)) out.push(record.value);
  return out;
}

describe('reading a JSON document record by record', () => {
  const tricky = [
    { callId: 'a', note: 'quote " brace } bracket ] backslash \\ and \\" a fake end "}', nested: { list: [1, [2, { x: null }]] } },
    { callId: 'b', unicode: 'café ☎ 😀', number: -12.5e3, flags: [true, false, null], empty: {}, none: [] },
  ];
  const page = { total: 2, start: 0, nextPageUri: null, pageSize: 1e2, meta: { nested: [{ calls: 'not these' }] }, calls: tricky, after: 'x' };

  it('finds the same records however the text is cut, and skips the page around them', async () => {
    const text = JSON.stringify(page, null, 2);
    for (const size of [1, 2, 3, 7, 64, text.length]) expect(await records(text, size)).toEqual(tricky);
  });

  it('reads a bare array, and one call given alone', async () => {
    expect(await records(JSON.stringify(tricky), 5)).toEqual(tricky);
    expect(await records(JSON.stringify(tricky[0]), 3)).toEqual([tricky[0]]);
  });

  it('reports where a malformed or cut document broke', async () => {
    await expect(records('{"calls": [{"callId": "a"}, {"callId": "b",}]}', 4)).rejects.toThrow(/not valid JSON after record 1/);
    await expect(records('{"calls": [{"callId": "a"}', 4)).rejects.toThrow(/not valid JSON after record 1.*ends early/);
    await expect(records('{"calls": [{"callId": "a"}] } trailing', 4)).rejects.toThrow(/unexpected text after the document/);
    await expect(records('{"calls": [1]}', 4)).rejects.toThrow('record 1 is not an object');
  });
});

/** The records of `bytes` given in chunks that end at each of `cuts`. */
async function recordsOfBytes(bytes: Buffer, cuts: number[], format = FORMATS.freeclimb) {
  const bounds = [0, ...cuts, bytes.length];
  const chunks = bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
  const out: unknown[] = [];
  for await (const record of readRecords(Readable.from(chunks), format)) out.push(record.value);
  return out;
}

describe('decoding the input as one stream', () => {
  const calls = [{ callId: 'a', callerName: 'Zoë Müller' }, { callId: 'b', callerName: '☎ 😀 ß' }];
  const bytes = Buffer.from(JSON.stringify({ calls }));

  it('reads a character cut between two chunks whole, at every byte of every multi-byte character', async () => {
    for (let cut = 1; cut < bytes.length; cut += 1) expect(await recordsOfBytes(bytes, [cut])).toEqual(calls);
    expect(await recordsOfBytes(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))).toEqual(calls);
  });

  it('skips a byte-order mark, in bytes and in text', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    expect(await recordsOfBytes(bom, [1, 2])).toEqual(calls);
    expect(await records(`\uFEFF${JSON.stringify(calls[0])}`, 3)).toEqual([calls[0]]);
    expect(await records(`\uFEFF<r:Resource xmlns:r="x"><Call id="1"/></r:Resource>`, 4, FORMATS.callfire)).toEqual([{ '@id': '1', value: null }]);
  });
});

describe('faults and limits', () => {
  const read = async (document: string, size: number, maxRecord?: number, format = FORMATS.freeclimb) => {
    const chunks = Array.from({ length: Math.ceil(document.length / size) }, (_, i) => document.slice(i * size, (i + 1) * size));
    const out: Array<{ position: number; value: unknown; tooLarge?: unknown }> = [];
    try {
      for await (const record of readRecords(Readable.from(chunks), format, maxRecord)) out.push({ position: record.position, value: record.value, ...(record.tooLarge ? { tooLarge: record.tooLarge } : {}) });
    } catch (error) {
      return { out, error: error as Error & { place?: unknown } };
    }
    return { out, error: undefined };
  };

  it('gives the fault its own line and column, however the text is cut', async () => {
    const text = '{\n  "calls": [\n    {"callId": "a"},\n    {"callId": "b", "x": tru}\n  ]\n}';
    for (const size of [1, 5, 64]) {
      const { out, error } = await read(text, size);
      expect(out.map((r) => r.value)).toEqual([{ callId: 'a' }]);
      expect(error?.place).toEqual({ line: 4, column: 26 });
      expect(error?.message).toMatch(/not valid JSON after record 1: .*\(line 4, column 26\)$/);
    }
    const cut = await read('{"calls": [\n{"callId": "a"},\n{"callId": "b"', 4);
    expect(cut.out).toHaveLength(1);
    expect(cut.error?.message).toMatch(/ends early \(line 3, column 15\)/);
    const xml = await read('<r:ResourceList xmlns:r="x">\n<Call id="1"/>\n<Call id="2"><Id>2</Idx></Call>', 7, undefined, FORMATS.callfire);
    expect(xml.out).toHaveLength(1);
    expect(xml.error?.message).toMatch(/not valid XML after record 1: .*\(line 3, column \d+\)/);
  });

  it('hands a record over the limit out as too large, with its place, and reads on', async () => {
    const big = { callId: 'big', note: 'x\\"}'.repeat(300), list: [[{}]] };
    const text = JSON.stringify({ calls: [{ callId: 'a' }, big, { callId: 'c' }] });
    for (const size of [3, 50, 4096]) {
      const { out, error } = await read(text, size, 1000);
      expect(error).toBeUndefined();
      expect(out).toEqual([
        { position: 1, value: { callId: 'a' } },
        { position: 2, value: {}, tooLarge: { characters: JSON.stringify(big).length, place: { line: 1, column: 26 } } },
        { position: 3, value: { callId: 'c' } },
      ]);
    }
  });

  it('refuses one call over the limit as soon as the limit is passed', async () => {
    const chunks = (async function* () {
      yield '{"callId": "a", "note": "';
      for (let i = 0; i < 1000; i += 1) yield 'x'.repeat(1000);
      throw new Error('read on past the limit');
    })();
    await expect(async () => {
      for await (const _ of readRecords(chunks, FORMATS.freeclimb, 10_000));
    }).rejects.toThrow('no list of freeclimb records in the first 10000 characters, and one call may be at most 10000 characters long');
  });
});
