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
