import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FormatName } from '../importers/import.js';

/** How far a signed timestamp may be from the server's clock, either way. */
export const TOLERANCE_SECONDS = 300;
/** How long an accepted signature that carries no timestamp is kept against replays. */
export const UNTIMED_REPLAY_SECONDS = 24 * 3600;

/** The header each format is signed in: the platform's own, or cdrql's for platforms that sign nothing. */
export const SIGNATURE_HEADERS: Record<FormatName, string> = {
  freeclimb: 'freeclimb-signature',
  jambonz: 'jambonz-signature',
  restcomm: 'x-twilio-signature',
  callfire: 'cdrql-signature',
  pbx: 'cdrql-signature',
};

export type Verification =
  | { ok: true; signature: string; expiresAt: Date }
  | { ok: false; status: 401; code: 'BAD_SIGNATURE' | 'STALE_TIMESTAMP'; message: string };

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const refused = (message: string): Verification => ({ ok: false, status: 401, code: 'BAD_SIGNATURE', message });

/** hex HMAC-SHA256 of `<t>.<body>`: FreeClimb's, jambonz's and cdrql's construction. */
export const timestampedSignature = (secret: string, timestamp: string | number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/**
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`: any v1 may match (a platform rotating its secret
 * sends both), and t must be within the tolerance.
 */
export function verifyTimestamped(header: string | null, body: string, secret: string, nowSeconds: number, name: string): Verification {
  if (!header) return refused(`the ${name} header is missing`);
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return refused(`the ${name} header must be t=<unix seconds>,v1=<hex signature>`);
  const expected = timestampedSignature(secret, timestamp, body);
  const matched = signatures.find((signature) => safeEqual(signature, expected));
  if (!matched) return refused(`the ${name} signature does not match the body`);
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) {
    return { ok: false, status: 401, code: 'STALE_TIMESTAMP', message: `the signed timestamp is more than ${TOLERANCE_SECONDS} s from the server's clock` };
  }
  return { ok: true, signature: matched, expiresAt: new Date((Number(timestamp) + TOLERANCE_SECONDS) * 1000) };
}

/** base64 HMAC-SHA1 of the URL followed by every parameter, sorted by name, as name + value. */
export function twilioSignature(secret: string, url: string, params: ReadonlyArray<[string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return createHmac('sha1', secret).update(url + sorted.map(([name, value]) => name + value).join(''), 'utf8').digest('base64');
}

/**
 * X-Twilio-Signature (Twilio-compatible platforms such as Restcomm). It signs no time; the
 * callback's own `Timestamp` parameter (RFC 2822), when present, must be within the tolerance.
 */
export function verifyTwilio(header: string | null, url: string, params: ReadonlyArray<[string, string]>, secret: string, nowSeconds: number): Verification {
  if (!header) return refused('the X-Twilio-Signature header is missing');
  if (!safeEqual(header.trim(), twilioSignature(secret, url, params))) return refused('the X-Twilio-Signature signature does not match the URL and parameters');
  const stamp = params.find(([name]) => name === 'Timestamp')?.[1];
  if (stamp !== undefined) {
    const at = Date.parse(stamp) / 1000;
    if (!Number.isFinite(at) || Math.abs(nowSeconds - at) > TOLERANCE_SECONDS) {
      return { ok: false, status: 401, code: 'STALE_TIMESTAMP', message: `the callback's Timestamp is more than ${TOLERANCE_SECONDS} s from the server's clock` };
    }
  }
  return { ok: true, signature: header.trim(), expiresAt: new Date((nowSeconds + UNTIMED_REPLAY_SECONDS) * 1000) };
}
