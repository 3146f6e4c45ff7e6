import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DocumentMemo, MAX_KEPT_KEY_CHARS, MAX_KEPT_TEXT_CHARS } from '../src/graphql/document-memo.js';

describe('document memo', () => {
  const document = parse('{ __typename }');

  it('keeps a value per document and key, and the most recent documents and keys', () => {
    const memo = new DocumentMemo<number>(2, 2);
    let computed = 0;
    const get = (doc: typeof document, key: string) => memo.get(doc, key, () => (computed += 1));
    const other = parse('{ __typename }');
    const third = parse('{ __typename }');
    expect([get(document, 'a'), get(document, 'a'), get(document, 'b')]).toEqual([1, 1, 2]);
    // A third key pushes out the document's oldest one.
    expect([get(document, 'c'), get(document, 'b'), get(document, 'a')]).toEqual([3, 2, 4]);
    // A third document pushes out the least recently used one (`other`, not `document`).
    get(other, 'a');
    get(document, 'a');
    get(third, 'a');
    expect(get(document, 'a')).toBe(4);
    expect(get(other, 'a')).toBe(computed);
  });

  it('finds what is kept, by a document or its text, and counts a find as a use', () => {
    const memo = new DocumentMemo<string>(2, 2);
    let keys = 0;
    const key = (value: string) => () => ((keys += 1), value);
    expect(memo.find('{ a }', key('k'))).toBeUndefined();
    // Nothing is kept for the text: its key is not even worked out.
    expect(keys).toBe(0);
    memo.get('{ a }', 'k', () => 'A');
    memo.get(document, 'k', () => 'D');
    expect(memo.find('{ a }', key('k'))).toBe('A');
    expect(memo.find('{ a }', key('other'))).toBeUndefined();
    // `{ a }` was found after `document` was kept, so a third document pushes out `document`.
    memo.get('{ b }', 'k', () => 'B');
    expect(memo.find(document, key('k'))).toBeUndefined();
    expect(memo.find('{ a }', key('k'))).toBe('A');
  });

  it('keeps no text over its bound', () => {
    const memo = new DocumentMemo<number>(2, 2);
    let computed = 0;
    const text = `{ ${'a '.repeat(MAX_KEPT_TEXT_CHARS / 2)}}`;
    expect([memo.get(text, 'k', () => (computed += 1)), memo.get(text, 'k', () => (computed += 1))]).toEqual([1, 2]);
    expect(memo.find(text, () => 'k')).toBeUndefined();
  });

  it('keeps no key over the bound: a client’s huge variables are worked out on every request', () => {
    const memo = new DocumentMemo<number>(2, 2);
    let computed = 0;
    const long = JSON.stringify({ ids: 'x'.repeat(MAX_KEPT_KEY_CHARS) });
    const longest = 'k'.repeat(MAX_KEPT_KEY_CHARS);
    expect([memo.get(document, long, () => (computed += 1)), memo.get(document, long, () => (computed += 1))]).toEqual([1, 2]);
    expect([memo.get(document, longest, () => (computed += 1)), memo.get(document, longest, () => (computed += 1))]).toEqual([3, 3]);
  });
});
