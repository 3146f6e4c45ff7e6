/**
 * Splits a JSON document, written in chunks, into the values at its record paths (`$.calls.*`,
 * `$.Resource.Call`, `$.*`: `*` being any array element or object member). A record is found by
 * skipping its strings and counting its brackets, and parsed with JSON.parse, which also
 * validates it; only the document around the records (a page's `total`,
 * `page_size` …) is read token by token. A tokenizer written in JavaScript reads a document of
 * records at about a third of the speed, for it builds every string and number character by
 * character. Memory holds the text of one record (or one token around them) beyond a chunk;
 * a record longer than the limit is scanned to its end without being kept, and handed out as
 * too large. A fault is reported at its own line and column.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const WHITESPACE = /[ \t\n\r]*/y;
const MAX_LITERAL = 1024;
/** A number, true, false or null; the lookahead proves it ended (the chunk did not cut it). */
const LITERAL = /(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=[\s,\]}])/y;

/** The end of the string that opens at `quote` (just past its closing quote), or -1 when the text ends first. */
const stringEnd = (text: string, quote: number): number => closingQuoteEnd(text, quote + 1);

/** Just past the first unescaped quote at or after `from` (inside a string), or -1 when the text ends first. */
function closingQuoteEnd(text: string, from: number): number {
  for (;;) {
    const close = text.indexOf('"', from);
    if (close < 0) return -1;
    if (!oddBackslashesBefore(text, close)) return close + 1;
    from = close + 1;
  }
}

/** Where a record's scan stopped for want of text: resumed there, at that depth, when more comes. */
interface RecordScan {
  resumeAt: number;
  depth: number;
  /** The scan stopped inside a string (resumed at its closing quote). */
  inString: boolean;
  /** Over the limit: its text is dropped as it is scanned, character by character. */
  skipping?: { characters: number; place: Place; escaped: boolean };
}

/** A line and column of the input, both from 1; columns count characters. */
export interface Place {
  line: number;
  column: number;
}

/** The document is not valid JSON or XML: what is wrong, and where. */
export class TextFault extends Error {
  override name = 'TextFault';
  constructor(
    message: string,
    readonly place: Place,
  ) {
    super(message);
  }
}

/** A fault inside the splitter's text, at `offset`; write and end turn it into a TextFault. */
class Fault extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A record handed to the sink: its value and text, or, over the limit, its length and place alone. */
export type SplitRecord = { value: unknown; text: string } | { tooLarge: { characters: number; place: Place } };

/** Whether the backslashes just before `end` are odd in number: the character at `end` is escaped. */
function oddBackslashesBefore(text: string, end: number): boolean {
  let count = 0;
  while (text.charCodeAt(end - 1 - count) === BACKSLASH) count += 1;
  return count % 2 === 1;
}

/** The place after `text`, read from `from`. */
function advance(from: Place, text: string, end = text.length): Place {
  let line = from.line;
  let lastBreak = -1;
  for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) {
    line += 1;
    lastBreak = at;
  }
  return lastBreak < 0 ? { line, column: from.column + end } : { line, column: end - lastBreak };
}

/**
 * Where the JSON `text` stops being valid (-1 when it is valid): V8's JSON.parse does not always
 * say. Run only once JSON.parse has refused a text, so it is written for clarity, not speed.
 */
export function jsonFaultOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new Fault('', i);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  };
  const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const string = () => {
    i += 1;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === QUOTE) return void (i += 1);
      if (c < 0x20) fail();
      if (c !== BACKSLASH) i += 1;
      else if (text[i + 1] === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
        i += 6;
      } else if ('"\\/bfnrt'.includes(text[i + 1] ?? 'x')) i += 2;
      else fail();
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return string();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i += 1;
      ws();
      if (text[i] === close) return void (i += 1);
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i += 1;
        }
        value();
        ws();
        if (text[i] === close) return void (i += 1);
        if (text[i] !== ',') fail();
        i += 1;
      }
    }
    literal.lastIndex = i;
    if (!literal.test(text)) fail();
    i = literal.lastIndex;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (error) {
    if (error instanceof Fault) return error.offset;
    throw error;
  }
}

/** JSON.parse, or a Fault at the place in `text` (which starts at `offset`) where it stops being JSON. */
function parseAt(text: string, offset: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = jsonFaultOffset(text);
    throw new Fault((error as Error).message, offset + (at < 0 ? 0 : at));
  }
}

/** An open object or array of the document around the records, and where in it the reader is. */
interface Frame {
  array: boolean;
  /** The member's name (objects) or the element's index (arrays) of the value being read. */
  at: string | number;
  /** What may come next: a value (or, first, the close), a member name (or, first, the close), a colon, or a comma or the close. */
  expect: 'value' | 'first-value' | 'name' | 'first-name' | 'colon' | 'comma';
}

export class JsonRecordSplitter {
  private readonly paths: Array<Array<string>>;
  private text = '';
  private position = 0;
  private readonly frames: Frame[] = [];
  /** The top-level value has been read whole. */
  private done = false;
  private record: RecordScan | undefined;
  /** The place of the text's first character. */
  private base: Place = { line: 1, column: 1 };
  /** A record at a record path has been met: the document is a list, not one call. */
  sawRecord = false;

  /** `sink` receives each record, and its text as the document wrote it; records over `maxRecord` characters come without them. */
  constructor(
    paths: string[],
    private readonly sink: (record: SplitRecord) => void,
    private readonly maxRecord = Number.POSITIVE_INFINITY,
  ) {
    this.paths = paths.map((path) => path.split('.').slice(1));
  }

  write(chunk: string): void {
    if (this.position > 0) this.base = advance(this.base, this.text, this.position);
    this.text = this.text.slice(this.position) + chunk;
    if (this.record) this.record.resumeAt -= this.position;
    this.position = 0;
    this.located(() => this.read(false));
  }

  end(): void {
    this.located(() => {
      this.read(true);
      if (!this.done) throw new Fault('the document ends early', this.text.length);
    });
  }

  /** The place of `offset` in the text. */
  placeOf(offset: number): Place {
    return advance(this.base, this.text, Math.min(offset, this.text.length));
  }

  private located(work: () => void): void {
    try {
      work();
    } catch (error) {
      if (error instanceof Fault) throw new TextFault(error.message, this.placeOf(error.offset));
      throw error;
    }
  }

  /** Reads as far as the text allows; at the end, a number may end the text. */
  private read(atEnd: boolean): void {
    for (;;) {
      if (this.done) {
        this.skipWhitespace();
        if (this.position < this.text.length) throw new Fault('unexpected text after the document', this.position);
        return;
      }
      this.skipWhitespace();
      if (this.position >= this.text.length) return;
      const frame = this.frames.at(-1);
      const char = this.text[this.position]!;
      if (!frame || frame.expect === 'value' || frame.expect === 'first-value') {
        if (frame?.expect === 'first-value' && char === ']') {
          this.close(']');
          continue;
        }
        if (!this.value(atEnd)) return;
      } else if (frame.expect === 'name' || frame.expect === 'first-name') {
        if (frame.expect === 'first-name' && char === '}') {
          this.close('}');
          continue;
        }
        if (char !== '"') throw new Fault(`expected a member name at "${char}"`, this.position);
        const end = stringEnd(this.text, this.position);
        if (end < 0) return;
        frame.at = parseAt(this.text.slice(this.position, end), this.position) as string;
        frame.expect = 'colon';
        this.position = end;
      } else if (frame.expect === 'colon') {
        if (char !== ':') throw new Fault(`expected ":" at "${char}"`, this.position);
        frame.expect = 'value';
        this.position += 1;
      } else if (char === ',') {
        frame.expect = frame.array ? 'value' : 'name';
        if (frame.array) frame.at = (frame.at as number) + 1;
        this.position += 1;
      } else this.close(frame.array ? ']' : '}');
    }
  }

  /** Reads the value at the reader's place: a record whole, or the start of an object or array around records, or a scalar. False when the text ends first. */
  private value(atEnd: boolean): boolean {
    const start = this.position;
    const char = this.text.charCodeAt(start);
    if (this.isRecord()) {
      this.sawRecord = true;
      if (this.record?.skipping || char === OPEN_BRACE || char === OPEN_BRACKET) {
        if (!this.containerRead(start)) return false;
      } else {
        const end = this.scalarEnd(start, atEnd);
        if (end < 0) return false;
        const text = this.text.slice(start, end);
        this.sink({ value: parseAt(text, start), text });
        this.position = end;
      }
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      this.frames.push(char === OPEN_BRACE ? { array: false, at: '', expect: 'first-name' } : { array: true, at: 0, expect: 'first-value' });
      this.position += 1;
      return true;
    } else {
      const end = this.scalarEnd(start, atEnd);
      if (end < 0) return false;
      parseAt(this.text.slice(start, end), start);
      this.position = end;
    }
    this.valueRead();
    return true;
  }

  private valueRead(): void {
    const frame = this.frames.at(-1);
    if (frame) frame.expect = 'comma';
    else this.done = true;
  }

  private close(bracket: ']' | '}'): void {
    if (this.text[this.position] !== bracket) throw new Fault(`expected "," or "${bracket}" at "${this.text[this.position]}"`, this.position);
    this.frames.pop();
    this.position += 1;
    this.valueRead();
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.position;
    WHITESPACE.test(this.text);
    this.position = WHITESPACE.lastIndex;
  }

  /** Whether the value about to be read sits at a record path. */
  private isRecord(): boolean {
    const depth = this.frames.length;
    return this.paths.some((path) => path.length === depth && path.every((name, i) => name === '*' || name === this.frames[i]!.at));
  }

  /** The end of the string, number or literal at `start`, or -1 when the text may not hold all of it. */
  private scalarEnd(start: number, atEnd: boolean): number {
    if (this.text.charCodeAt(start) === QUOTE) return stringEnd(this.text, start);
    LITERAL.lastIndex = start;
    const literal = LITERAL.exec(atEnd ? `${this.text} ` : this.text);
    if (literal) return start + literal[1]!.length;
    // Not a literal yet: the chunk may have cut one, unless something ends it (or it is too long to be one).
    const rest = this.text.slice(start, start + MAX_LITERAL);
    if (atEnd || rest.length === MAX_LITERAL || /[\s,\]}]/.test(rest)) throw new Fault(`unexpected "${rest.slice(0, 16)}"`, start);
    return -1;
  }

  /**
   * Reads the object or array at `start` as a record when the text holds all of it: handed to the
   * sink whole, or as too large when it is longer than the limit. False when the text ends first.
   */
  private containerRead(start: number): boolean {
    if (this.record?.skipping) return this.skip(this.record.skipping);
    const end = this.containerEnd(start);
    if (end < 0) {
      if (this.text.length - start <= this.maxRecord) return false;
      // Too long to keep: scanned on to its end without its text.
      const skipping = { characters: this.text.length - start, place: this.placeOf(start), escaped: this.record!.inString && oddBackslashesBefore(this.text, this.text.length) };
      this.record = { ...this.record!, skipping };
      this.position = this.record.resumeAt;
      return this.skip(skipping);
    }
    if (end - start > this.maxRecord) this.sink({ tooLarge: { characters: end - start, place: this.placeOf(start) } });
    else {
      const text = this.text.slice(start, end);
      this.sink({ value: parseAt(text, start), text });
    }
    this.position = end;
    return true;
  }

  /** Scans a record over the limit on, dropping its text; true once it ended (and was handed to the sink). */
  private skip(skipping: NonNullable<RecordScan['skipping']>): boolean {
    const scan = this.record!;
    const text = this.text;
    let { depth, inString } = scan;
    let at = this.position;
    for (; at < text.length; at += 1) {
      const char = text.charCodeAt(at);
      if (inString) {
        if (skipping.escaped) skipping.escaped = false;
        else if (char === BACKSLASH) skipping.escaped = true;
        else if (char === QUOTE) inString = false;
      } else if (char === QUOTE) inString = true;
      else if (char === OPEN_BRACE || char === OPEN_BRACKET) depth += 1;
      else if ((char === CLOSE_BRACE || char === CLOSE_BRACKET) && --depth === 0) {
        skipping.characters += at + 1 - this.position;
        this.record = undefined;
        this.position = at + 1;
        this.sink({ tooLarge: { characters: skipping.characters, place: skipping.place } });
        return true;
      }
    }
    skipping.characters += at - this.position;
    this.record = { resumeAt: at, depth, inString, skipping };
    this.position = at;
    return false;
  }

  /** The end of the object or array at `start` (just past its closing bracket), or -1 when the text ends first. */
  private containerEnd(start: number): number {
    const text = this.text;
    let { resumeAt: at, depth, inString } = this.record ?? { resumeAt: start, depth: 0, inString: false };
    while (at < text.length) {
      if (inString) {
        const end = closingQuoteEnd(text, at);
        if (end < 0) {
          at = text.length;
          break;
        }
        at = end;
        inString = false;
        continue;
      }
      const char = text.charCodeAt(at);
      if (char === QUOTE) {
        inString = true;
        at += 1;
        continue;
      }
      if (char === OPEN_BRACE || char === OPEN_BRACKET) depth += 1;
      else if ((char === CLOSE_BRACE || char === CLOSE_BRACKET) && --depth === 0) {
        this.record = undefined;
        return at + 1;
      }
      at += 1;
    }
    this.record = { resumeAt: at, depth, inString };
    return -1;
  }
}
