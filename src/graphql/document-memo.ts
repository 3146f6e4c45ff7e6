import type { DocumentNode } from 'graphql';

/**
 * A key longer than this is worked out on every use and never kept. Keys hold a client's
 * variables, and a body may be a megabyte: 256 documents of 16 such keys would hold gigabytes.
 * A dashboard's variables (page sizes, a time range, 100 node ids) are well under it.
 */
export const MAX_KEPT_KEY_CHARS = 8192;
/** Likewise for a document kept by its text: longer texts are never kept. */
export const MAX_KEPT_TEXT_CHARS = 65_536;

/**
 * What is worked out from a document and a key (its operation name and variables, say), kept for
 * the documents used last. A document is a parsed one (yoga parses a text once and hands out the
 * same object for it) or, for what is looked up before parsing, its text. A repeated request then
 * costs a key and a lookup instead of a walk over its selections. Both bounds are counts: at most
 * `documents` documents, each with at most `perDocument` keys; the least recently used document,
 * and a document's oldest key, make room.
 */
export class DocumentMemo<T> {
  private readonly kept = new Map<DocumentNode | string, Map<string, T>>();

  constructor(
    private readonly documents: number,
    private readonly perDocument: number,
  ) {}

  /**
   * The value kept for this document and key, if there is one; the key is worked out only if the
   * document has values kept. Finding one counts as a use of the document.
   */
  find(document: DocumentNode | string, key: () => string): T | undefined {
    const values = this.kept.get(document);
    const value = values?.get(key());
    if (value !== undefined) {
      this.kept.delete(document);
      this.kept.set(document, values!);
    }
    return value;
  }

  get(document: DocumentNode | string, key: string, compute: () => T): T {
    if (key.length > MAX_KEPT_KEY_CHARS || (typeof document === 'string' && document.length > MAX_KEPT_TEXT_CHARS)) return compute();
    let values = this.kept.get(document);
    if (values) this.kept.delete(document);
    else values = new Map<string, T>();
    this.kept.set(document, values);
    if (this.kept.size > this.documents) this.kept.delete(this.kept.keys().next().value!);
    if (values.has(key)) return values.get(key)!;
    const value = compute();
    if (values.size >= this.perDocument) values.delete(values.keys().next().value!);
    values.set(key, value);
    return value;
  }
}
