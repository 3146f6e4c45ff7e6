/**
 * Splits a JSON document, written in chunks, into the values at its record paths (`$.calls.*`,
 * `$.Resource.Call`, `$.*`: `*` being any array element or object member). A record is found by
 * skipping its strings and counting its brackets, and parsed with JSON.parse, which also
 * validates it; only the document around the records (a page's `total`,
 * `page_size` …) is read token by token. A tokenizer written in JavaScript reads a document of
 * records at about a third of the speed, for it builds every string and number character by
 * character. Memory holds the text of one record (or one token around them) beyond a chunk.
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
function stringEnd(text: string, quote: number): number {
  let from = quote + 1;
  for (;;) {
    const close = text.indexOf('"', from);
    if (close < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return close + 1;
    from = close + 1;
  }
}

/** Where a record's scan stopped for want of text: resumed there, at that depth, when more comes. */
interface RecordScan {
  resumeAt: number;
  depth: number;
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

  /** `sink` receives each record, and its text as the document wrote it. */
  constructor(
    paths: string[],
    private readonly sink: (value: unknown, text: string) => void,
  ) {
    this.paths = paths.map((path) => path.split('.').slice(1));
  }

  write(chunk: string): void {
    this.text = this.text.slice(this.position) + chunk;
    if (this.record) this.record.resumeAt -= this.position;
    this.position = 0;
    this.read(false);
  }

  end(): void {
    this.read(true);
    if (!this.done) throw new Error('the document ends early');
  }

  /** Reads as far as the text allows; at the end, a number may end the text. */
  private read(atEnd: boolean): void {
    for (;;) {
      if (this.done) {
        this.skipWhitespace();
        if (this.position < this.text.length) throw new Error('unexpected text after the document');
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
        if (char !== '"') throw new Error(`expected a member name at "${char}"`);
        const end = stringEnd(this.text, this.position);
        if (end < 0) return;
        frame.at = JSON.parse(this.text.slice(this.position, end)) as string;
        frame.expect = 'colon';
        this.position = end;
      } else if (frame.expect === 'colon') {
        if (char !== ':') throw new Error(`expected ":" at "${char}"`);
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
      const end = char === OPEN_BRACE || char === OPEN_BRACKET ? this.containerEnd(start) : this.scalarEnd(start, atEnd);
      if (end < 0) return false;
      const text = this.text.slice(start, end);
      this.sink(JSON.parse(text), text);
      this.position = end;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      this.frames.push(char === OPEN_BRACE ? { array: false, at: '', expect: 'first-name' } : { array: true, at: 0, expect: 'first-value' });
      this.position += 1;
      return true;
    } else {
      const end = this.scalarEnd(start, atEnd);
      if (end < 0) return false;
      JSON.parse(this.text.slice(start, end));
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
    if (this.text[this.position] !== bracket) throw new Error(`expected "," or "${bracket}" at "${this.text[this.position]}"`);
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
    if (atEnd || rest.length === MAX_LITERAL || /[\s,\]}]/.test(rest)) throw new Error(`unexpected "${rest.slice(0, 16)}"`);
    return -1;
  }

  /** The end of the object or array at `start` (just past its closing bracket), or -1 when the text ends first. */
  private containerEnd(start: number): number {
    const text = this.text;
    let { resumeAt: at, depth } = this.record ?? { resumeAt: start, depth: 0 };
    while (at < text.length) {
      const char = text.charCodeAt(at);
      if (char === QUOTE) {
        const end = stringEnd(text, at);
        if (end < 0) break;
        at = end;
        continue;
      }
      if (char === OPEN_BRACE || char === OPEN_BRACKET) depth += 1;
      else if ((char === CLOSE_BRACE || char === CLOSE_BRACKET) && --depth === 0) {
        this.record = undefined;
        return at + 1;
      }
      at += 1;
    }
    this.record = { resumeAt: at, depth };
    return -1;
  }
}
