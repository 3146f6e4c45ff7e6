import type { SqlExecutor } from '../db/sql-driver.js';
import { verifyApiKey, type Credentials } from './api-keys.js';

export type Authentication = { ok: true; credentials: Credentials } | { ok: false; reason: string };

const MAX_REMEMBERED = 10_000;

/**
 * Turns an Authorization header into credentials. Verified keys (and refused ones) are remembered
 * for a few seconds, so a busy client costs no extra statement per request; revoking a key here
 * forgets it at once, on other instances within the remembering time.
 */
export function createAuthenticator(sql: SqlExecutor, rememberSeconds: number) {
  const remembered = new Map<string, { credentials: Credentials | null; until: number }>();

  async function lookup(key: string): Promise<Credentials | null> {
    const now = Date.now();
    const hit = remembered.get(key);
    if (hit && hit.until > now) return hit.credentials;
    const credentials = await verifyApiKey(sql, key);
    if (rememberSeconds > 0) {
      if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
      remembered.set(key, { credentials, until: now + rememberSeconds * 1000 });
    }
    return credentials;
  }

  return {
    async authenticate(authorization: string | null): Promise<Authentication> {
      if (!authorization) return { ok: false, reason: 'An API key is required: send Authorization: Bearer <key>.' };
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) return { ok: false, reason: 'The Authorization header must be: Bearer <key>.' };
      const credentials = await lookup(match[1]!);
      return credentials ? { ok: true, credentials } : { ok: false, reason: 'The API key is not valid: it is unknown or revoked.' };
    },
    /** Forgets a key at once (after it was revoked). */
    forget(keyId: string): void {
      for (const [key, entry] of remembered) if (entry.credentials?.keyId === keyId) remembered.delete(key);
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
