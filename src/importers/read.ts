import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { StringDecoder } from 'node:string_decoder';
import { JsonRecordSplitter, TextFault, type Place, type SplitRecord } from './json-records.js';
import type { Format } from './record.js';

/** A record as the vendor wrote it, with its 1-based position in the input. */
export interface SourceRecord {
  position: number;
  value: Record<string, unknown>;
  /** The record's JSON text as the input wrote it, when the input is JSON with one record there. */
  text?: string;
  /** A record longer than the limit: its length and where it starts, without its value (which is empty). */
  tooLarge?: { characters: number; place: Place };
}

/** The input itself cannot be read (not JSON, not XML, cut off); records before the fault were read. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    /** Where the fault is, when it is in the text. */
    readonly place?: Place,
  ) {
    super(place ? `${message} (line ${place.line}, column ${place.column})` : message);
  }
}

type Sink = (record: SplitRecord) => void;

/**
 * Bytes to read a file in: each chunk becomes a string, and one of more than 128 KB goes to V8's
 * large-object space, memory taken fresh from the system (and its page faults paid) for every
 * chunk. 64 KB stay in the young generation: 200,000 FreeClimb records 12.7-14.9 s with 256 KB
 * against 11.9-12.1 s with 64 KB, in alternating runs.
 */
export const READ_CHUNK_BYTES = 64 * 1024;

/** The largest record, in characters of its text, unless the caller says otherwise (IMPORT_MAX_RECORD_BYTES). */
export const DEFAULT_MAX_RECORD = 1024 * 1024;

interface StreamingParser {
  write(chunk: string): void;
  end(): void;
  /** A record has been met where a list holds them: the document is a list, not one call. */
  readonly sawRecord: boolean;
}

type XmlNode = { name: string; attributes: Record<string, string>; children: Array<[string, unknown]>; text: string };

/** The JSON rendering of an element: text, `{ value, @attr }`, or an object whose repeated children are arrays. */
function renderXml(node: XmlNode): unknown {
  const attributes = Object.fromEntries(Object.entries(node.attributes).filter(([name]) => !name.startsWith('xmlns')).map(([name, value]) => [`@${name}`, value]));
  const text = node.text.trim();
  if (node.children.length === 0) {
    if (Object.keys(attributes).length === 0) return text === '' ? null : text;
    return { value: text === '' ? null : text, ...attributes };
  }
  const byName = new Map<string, unknown[]>();
  for (const [name, value] of node.children) byName.set(name, [...(byName.get(name) ?? []), value]);
  const object: Record<string, unknown> = { ...attributes };
  for (const [name, values] of byName) object[name] = values.length === 1 ? values[0] : values;
  return object;
}

/**
 * Vendor XML: every `Call` element is a record, wherever it sits (CallFire's `r:Resource`,
 * `r:ResourceList`, `n:CallFinished`; Restcomm's `RestcommResponse` with one `Call` or a `Calls`
 * page, whose paging attributes are not records). Text-only elements beside a record in its
 * envelope (a notification's `SubscriptionId`) are kept in the record, before its own fields. A
 * record longer than the limit is scanned to its end without keeping its elements.
 */
function xmlParser(sink: Sink, maxRecord: number): StreamingParser {
  const parser = new SaxesParser();
  const stack: XmlNode[] = [];
  /** The elements around the records, with the text-only children each has had so far. */
  const outer: Array<{ name: string; text: string; leaf: boolean; fields: Record<string, string | null> }> = [];
  let record: { start: number; place: Place; tooLarge: boolean } | undefined;
  const local = (name: string) => name.slice(name.indexOf(':') + 1);
  const overLimit = () => {
    if (record && !record.tooLarge && parser.position - record.start > maxRecord) {
      record.tooLarge = true;
      stack.splice(1);
      stack[0]!.children = [];
      stack[0]!.text = '';
    }
    return record?.tooLarge ?? false;
  };
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (stack.length === 0) {
      const parent = outer.at(-1);
      if (parent) parent.leaf = false;
      if (local(tag.name) !== 'Call') return void outer.push({ name: local(tag.name), text: '', leaf: true, fields: {} });
      // The tag has been read whole: the record starts a tag's length before the parser.
      const start = parser.position - tag.name.length - 2;
      record = { start, place: { line: parser.line, column: Math.max(1, parser.column - tag.name.length - 1) }, tooLarge: false };
    } else if (overLimit()) return;
    stack.push({ name: local(tag.name), attributes: tag.attributes as Record<string, string>, children: [], text: '' });
  });
  parser.on('text', (text) => {
    if (stack.length > 0) {
      if (!overLimit()) stack[stack.length - 1]!.text += text;
    } else if (outer.length > 0) outer[outer.length - 1]!.text += text;
  });
  parser.on('closetag', () => {
    if (stack.length === 0) {
      // A text-only element beside the records (CallFire's n:SubscriptionId) belongs to them.
      const node = outer.pop();
      if (node?.leaf && outer.length > 0) outer[outer.length - 1]!.fields[node.name] = node.text.trim() === '' ? null : node.text.trim();
      return;
    }
    if (overLimit() && stack.length > 1) return;
    const node = stack.pop()!;
    if (stack.length > 0) return void stack[stack.length - 1]!.children.push([node.name, renderXml(node)]);
    const { start, place, tooLarge } = record!;
    record = undefined;
    const envelope = outer.at(-1)?.fields ?? {};
    const value = renderXml(node);
    sink(tooLarge ? { tooLarge: { characters: parser.position - start, place } } : { value: { ...envelope, ...(value as object) }, text: '' });
  });
  parser.on('error', (error) => {
    throw new TextFault(error.message.replace(/^\d+:\d+: /, ''), { line: parser.line, column: parser.column });
  });
  return {
    write: (chunk) => void parser.write(chunk),
    end: () => void parser.close(),
    get sawRecord() {
      return record !== undefined;
    },
  };
}

/**
 * Streams the records of one vendor document, however large: a single call, a list page, a bare
 * array, or XML. Only the records not yet handed out are held in memory, and a record longer than
 * `maxRecord` characters is handed out as too large, without its text. The bytes are decoded as
 * one stream, so a character cut between two chunks is read whole; a byte-order mark is skipped.
 * A fault in the text ends the records with an InputError at its line and column, after the
 * records before it.
 */
export async function* readRecords(input: AsyncIterable<string | Buffer>, format: Format, maxRecord = DEFAULT_MAX_RECORD): AsyncGenerator<SourceRecord> {
  let parser: StreamingParser | undefined;
  let pending: SplitRecord[] = [];
  let fromList = false;
  // A document with no records at the list paths is one call: its text is kept until a record
  // shows up (a list) or the end comes (one call), and refused once it is over the limit.
  let head: string[] = [];
  let headLength = 0;
  let position = 0;
  let kind = 'JSON';
  const decoder = new StringDecoder('utf8');
  let first = true;
  const push: Sink = (record) => {
    fromList = true;
    if ('value' in record && Array.isArray(record.value)) pending.push(...record.value.map((element: unknown) => ({ value: element, text: '' })));
    else pending.push(record);
  };
  function* drain(): Generator<SourceRecord> {
    const ready = pending;
    pending = [];
    for (const record of ready) {
      position += 1;
      if ('tooLarge' in record) {
        yield { position, value: {}, tooLarge: record.tooLarge };
        continue;
      }
      const { value, text } = record;
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new InputError(`record ${position} is not an object`);
      }
      yield { position, value: value as Record<string, unknown>, text: text === '' ? undefined : text };
    }
  }
  /** Runs the parser; on a fault, the records it read before the fault are handed out first. */
  const guard = function* (work: () => void): Generator<SourceRecord> {
    try {
      work();
    } catch (error) {
      yield* drain();
      if (error instanceof InputError) throw error;
      const place = error instanceof TextFault ? error.place : undefined;
      throw new InputError(`the input is not valid ${kind} after record ${position}: ${(error as Error).message}`, place);
    }
  };
  const feed = function* (text: string): Generator<SourceRecord> {
    if (first) {
      if (text.length === 0) return;
      // A byte-order mark (decoded, or in a string given as such) is not part of the document.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (!parser) {
      const start = text.trimStart()[0];
      if (start === undefined) return;
      if (start === '<') {
        if (!format.xml) throw new InputError(`${format.name} input is JSON; this looks like XML`);
        parser = xmlParser(push, maxRecord);
        kind = 'XML';
      } else if (start === '[') parser = new JsonRecordSplitter(['$.*'], push, maxRecord);
      else if (start === '{') parser = new JsonRecordSplitter(format.recordPaths, push, maxRecord);
      else throw new InputError(`the input starts with "${start}": it is not JSON${format.xml ? ' or XML' : ''}`);
    }
    yield* guard(() => parser!.write(text));
    if (!fromList && !parser.sawRecord && kind === 'JSON') {
      head.push(text);
      headLength += text.length;
      if (headLength > maxRecord) {
        throw new InputError(`no list of ${format.name} records in the first ${maxRecord} characters, and one call may be at most ${maxRecord} characters long`);
      }
    } else head = [];
    yield* drain();
  };
  for await (const chunk of input) {
    yield* feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  yield* feed(decoder.end());
  if (!parser) throw new InputError('the input is empty');
  yield* guard(() => parser!.end());
  yield* drain();
  if (!fromList && kind === 'JSON') {
    const text = head.join('').trim();
    const document = JSON.parse(text) as unknown;
    if (Array.isArray(document)) return;
    pending.push({ value: document, text });
    yield* drain();
  }
}
