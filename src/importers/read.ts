import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { JsonRecordSplitter } from './json-records.js';
import type { Format } from './record.js';

/** A record as the vendor wrote it, with its 1-based position in the input. */
export interface SourceRecord {
  position: number;
  value: Record<string, unknown>;
  /** The record's JSON text as the input wrote it, when the input is JSON with one record there. */
  text?: string;
}

/** The input itself cannot be read (not JSON, not XML, cut off); records before the fault were read. */
export class InputError extends Error {
  override name = 'InputError';
}

type Sink = (value: unknown, text?: string) => void;

/**
 * Bytes to read a file in: each chunk becomes a string, and one of more than 128 KB goes to V8's
 * large-object space, memory taken fresh from the system (and its page faults paid) for every
 * chunk. 64 KB stay in the young generation: 200,000 FreeClimb records 12.7-14.9 s with 256 KB
 * against 11.9-12.1 s with 64 KB, in alternating runs.
 */
export const READ_CHUNK_BYTES = 64 * 1024;

/** The largest document read as one call rather than as a list. */
const MAX_SINGLE_DOCUMENT = 4 * 1024 * 1024;

interface StreamingParser {
  write(chunk: string): void;
  end(): void;
}

function jsonParser(paths: string[], sink: Sink): StreamingParser {
  return new JsonRecordSplitter(paths, sink);
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

/** CallFire XML: every `Call` element (in `r:Resource`, `r:ResourceList`, `n:CallFinished` …) is a record. */
function xmlParser(sink: Sink): StreamingParser {
  const parser = new SaxesParser();
  const stack: XmlNode[] = [];
  const local = (name: string) => name.slice(name.indexOf(':') + 1);
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (stack.length > 0 || local(tag.name) === 'Call') stack.push({ name: local(tag.name), attributes: tag.attributes as Record<string, string>, children: [], text: '' });
  });
  parser.on('text', (text) => {
    if (stack.length > 0) stack[stack.length - 1]!.text += text;
  });
  parser.on('closetag', () => {
    const node = stack.pop();
    if (!node) return;
    const value = renderXml(node);
    if (stack.length === 0) sink(value);
    else stack[stack.length - 1]!.children.push([node.name, value]);
  });
  parser.on('error', (error) => {
    throw error;
  });
  return { write: (chunk) => void parser.write(chunk), end: () => void parser.close() };
}

/**
 * Streams the records of one vendor document, however large: a single call, a list page, a bare
 * array, or CallFire XML. Only the records not yet handed out are held in memory.
 */
export async function* readRecords(input: AsyncIterable<string | Buffer>, format: Format): AsyncGenerator<SourceRecord> {
  let parser: StreamingParser | undefined;
  let pending: Array<{ value: unknown; text?: string }> = [];
  let fromList = false;
  // A document with no records at the list paths is one call: its text is kept until a record
  // shows up (a list) or the end comes (one call). A list's records show up long before the cap.
  let head: string[] | undefined = [];
  let headLength = 0;
  let position = 0;
  let bytes = 0;
  let kind = 'JSON';
  const push: Sink = (value, text) => {
    fromList = true;
    if (Array.isArray(value)) pending.push(...value.map((element: unknown) => ({ value: element })));
    else pending.push({ value, text });
  };
  function* drain(): Generator<SourceRecord> {
    const ready = pending;
    pending = [];
    for (const { value, text } of ready) {
      position += 1;
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new InputError(`record ${position} is not an object`);
      }
      yield { position, value: value as Record<string, unknown>, text };
    }
  }
  const guard = (work: () => void) => {
    try {
      work();
    } catch (error) {
      throw new InputError(`the input is not valid ${kind} after record ${position} (near byte ${bytes}): ${(error as Error).message}`);
    }
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (!parser) {
      const first = text.trimStart()[0];
      if (first === undefined) continue;
      if (first === '<') {
        if (!format.xml) throw new InputError(`${format.name} input is JSON; this looks like XML`);
        parser = xmlParser(push);
        kind = 'XML';
      } else if (first === '[') parser = jsonParser(['$.*'], push);
      else if (first === '{') parser = jsonParser(format.recordPaths, push);
      else throw new InputError(`the input starts with "${first}": it is not JSON${format.xml ? ' or XML' : ''}`);
    }
    guard(() => parser!.write(text));
    bytes += chunk.length;
    if (head && !fromList && headLength < MAX_SINGLE_DOCUMENT) {
      head.push(text);
      headLength += text.length;
    } else head = undefined;
    yield* drain();
  }
  if (!parser) throw new InputError('the input is empty');
  guard(() => parser!.end());
  yield* drain();
  if (!fromList && kind === 'JSON') {
    if (!head) throw new InputError(`no ${format.name} records found in a document over ${MAX_SINGLE_DOCUMENT} bytes`);
    const text = head.join('').trim();
    const document = JSON.parse(text) as unknown;
    if (Array.isArray(document)) return;
    pending.push({ value: document, text });
    yield* drain();
  }
}
