import type { DocumentNode } from 'graphql';

/**
 * What is worked out from a parsed document and a key (its operation name and variables, say),
 * kept for the documents used last. Yoga parses a text once and hands out the same document
 * object for it, so a repeated request costs a key and a lookup instead of a walk over its
 * selections. Both bounds are counts: at most `documents` documents, each with at most
 * `perDocument` keys; the least recently used document, and a document's oldest key, make room.
 */
export class DocumentMemo<T> {
  private readonly kept = new Map<DocumentNode, Map<string, T>>();

  constructor(
    private readonly documents: number,
    private readonly perDocument: number,
  ) {}

  get(document: DocumentNode, key: string, compute: () => T): T {
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
