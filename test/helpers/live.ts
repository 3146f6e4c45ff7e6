import { timestampedSignature, twilioSignature } from '../../src/webhooks/signatures.js';

export interface SseEvent {
  event: string;
  data: string;
  /** The event's id line, '' when it has none. */
  id: string;
}

/**
 * Reads a text/event-stream response event by event (comments skipped), for subscription tests
 * and the live benchmark.
 */
export class SseReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private ended = false;

  constructor(response: Response) {
    if (!response.body) throw new Error(`no body (status ${response.status})`);
    this.reader = response.body.getReader();
  }

  /**
   * Reads the stream's first chunk (the server's opening ping): until a client reads, yoga does
   * not start the subscription's iterator.
   */
  async start(): Promise<void> {
    const chunk = await this.reader.read();
    if (chunk.done) this.ended = true;
    else this.buffer += this.decoder.decode(chunk.value, { stream: true });
  }

  /** The next event, or null when the stream ends; rejects after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<SseEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.buffer.indexOf('\n\n');
      if (at >= 0) {
        const block = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        const lines = block.split('\n').filter((line) => !line.startsWith(':') && line !== '');
        if (lines.length === 0) continue;
        const field = (name: string) => lines.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).trimStart()).join('\n');
        return { event: field('event'), data: field('data'), id: field('id') };
      }
      if (this.ended) return null;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), remaining))),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) this.ended = true;
      else this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next `next` event's parsed data, and its id line as `id`. */
  async result<T = any>(
    timeoutMs?: number,
  ): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown>; id: string }> {
    const event = await this.next(timeoutMs);
    if (!event) throw new Error('the stream ended');
    if (event.event !== 'next') throw new Error(`expected a next event, got ${event.event}`);
    return { ...JSON.parse(event.data), id: event.id };
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }
}

/** Headers that sign `body` with a t=,v1= scheme (FreeClimb, jambonz, cdrql), at `at` seconds. */
export const timestampedHeaders = (header: string, secret: string, body: string, at = Math.floor(Date.now() / 1000)) => ({
  [header]: `t=${at},v1=${timestampedSignature(secret, at, body)}`,
});

/** X-Twilio-Signature for a form body posted to `url`. */
export const twilioHeaders = (secret: string, url: string, form: URLSearchParams) => ({
  'x-twilio-signature': twilioSignature(secret, url, [...form]),
});

