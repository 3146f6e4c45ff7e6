import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Database } from '../db/client.js';
import { FORMATS, type FormatName } from '../importers/import.js';
import { RecordError } from '../importers/normalize.js';
import { InputError, readRecords } from '../importers/read.js';
import { linkLegs, staged, writeCalls, type BatchItem } from '../importers/writer.js';
import { publishCalls } from '../live/publish.js';
import { activeEndpoint, type ActiveEndpoint } from './endpoints.js';
import { SIGNATURE_HEADERS, verifyTimestamped, verifyTwilio, type Verification } from './signatures.js';

/** A callback as it arrived: the format and endpoint of its path, the URL the platform called, and its body. */
export interface Callback {
  format: string;
  endpointId: string;
  /** The URL as the platform called it (PUBLIC_URL's origin when set). */
  url: string;
  headers: Headers;
  body: string;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const problem = (status: number, code: string, message: string): Answer => ({ status, body: { error: { code, message } } });

/** The request's form parameters, in order; repeated names stay repeated (Twilio signs each). */
const isForm = (headers: Headers) => (headers.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/**
 * A Twilio-style status callback's parameters as a call resource: the callback names the call
 * `CallSid` and its state `CallStatus` / `CallDuration`, where the resource says `Sid`, `Status`,
 * `Duration`; the importer reads the resource's names.
 */
function twilioCallbackRecord(params: ReadonlyArray<[string, string]>): Record<string, unknown> {
  const record: Record<string, unknown> = Object.fromEntries(params);
  const alias = (from: string, to: string) => {
    if (record[to] === undefined && record[from] !== undefined) record[to] = record[from];
  };
  alias('CallSid', 'Sid');
  alias('CallStatus', 'Status');
  alias('CallDuration', 'Duration');
  return record;
}

function verify(endpoint: ActiveEndpoint, callback: Callback, params: ReadonlyArray<[string, string]> | null): Verification {
  const header = callback.headers.get(SIGNATURE_HEADERS[endpoint.format]);
  const now = Math.floor(Date.now() / 1000);
  if (endpoint.format !== 'restcomm') return verifyTimestamped(header, callback.body, endpoint.secret, now, SIGNATURE_HEADERS[endpoint.format]);
  if (params) return verifyTwilio(header, callback.url, params, endpoint.secret, now);
  // A JSON body is signed through the URL's bodySHA256 parameter, the body's hex sha256.
  const bodyHash = new URL(callback.url).searchParams.get('bodySHA256');
  if (bodyHash !== createHash('sha256').update(callback.body, 'utf8').digest('hex')) {
    return { ok: false, status: 401, code: 'BAD_SIGNATURE', message: 'a JSON callback must carry the sha256 of its body as the bodySHA256 URL parameter' };
  }
  return verifyTwilio(header, callback.url, [], endpoint.secret, now);
}

/** The callback's calls, normalised as the importer does; a record that cannot be read refuses the whole callback. */
async function stagedCalls(format: FormatName, callback: Callback, params: ReadonlyArray<[string, string]> | null): Promise<BatchItem[] | string> {
  const vendor = FORMATS[format];
  const items: BatchItem[] = [];
  try {
    if (params) {
      const call = vendor.normalize(twilioCallbackRecord(params), {});
      return [staged(1, call)];
    }
    for await (const record of readRecords(Readable.from([callback.body]), vendor)) {
      const call = vendor.normalize(record.value, {});
      items.push(staged(record.position, call, call.call.payload === record.value ? record.text : undefined));
    }
  } catch (error) {
    if (error instanceof RecordError || error instanceof InputError) return error.message;
    throw error;
  }
  return items.length === 0 ? 'the body holds no call' : items;
}

class Replayed extends Error {}

/**
 * Verifies a platform's callback and writes its calls: the calls, the links between legs and
 * parents, the accepted signature (against replays) and the change events go in one transaction,
 * and the answer is given after it commits. A retry of the same event is a new request that
 * changes nothing; the same request again is refused as a replay.
 */
export async function receiveCallback(db: Database, callback: Callback): Promise<Answer> {
  if (!(callback.format in FORMATS)) return problem(404, 'NOT_FOUND', `there is no webhook format "${callback.format}"`);
  const endpoint = await activeEndpoint(db.sql, callback.endpointId, callback.format);
  if (!endpoint) return problem(404, 'NOT_FOUND', `there is no active ${callback.format} webhook endpoint ${callback.endpointId}`);
  const params = endpoint.format === 'restcomm' && isForm(callback.headers) ? [...new URLSearchParams(callback.body)] : null;
  const verification = verify(endpoint, callback, params);
  if (!verification.ok) return problem(verification.status, verification.code, verification.message);
  const items = await stagedCalls(endpoint.format, callback, params);
  if (typeof items === 'string') return problem(422, 'BAD_CALLBACK', items);
  try {
    const summary = await db.sql.transaction(async (tx) => {
      const [accepted] = await tx.query(
        `INSERT INTO webhook_deliveries (endpoint_id, signature, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1 AS accepted`,
        [endpoint.id, verification.signature, verification.expiresAt],
      );
      if (!accepted) throw new Replayed();
      const { outcomes, changed } = await writeCalls(tx, endpoint.accountId, items);
      const linked = await linkLegs(tx, endpoint.accountId, items);
      await publishCalls(tx, endpoint.accountId, [...changed, ...linked]);
      const counts = { inserted: 0, updated: 0, unchanged: 0, stale: 0 };
      for (const outcome of outcomes.values()) counts[outcome] += 1;
      return counts;
    });
    return { status: 200, body: summary };
  } catch (error) {
    if (error instanceof Replayed) return problem(409, 'REPLAYED', 'this signed request was received before; its calls were written then');
    throw error;
  }
}
