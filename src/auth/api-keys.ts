import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyScope } from '../db/generated/enums.js';
import type { PrismaClient } from '../db/generated/client.js';
import type { SqlExecutor } from '../db/sql-driver.js';
import { recordAudit, type Actor } from './audit.js';

/**
 * API keys look like `cdrql_<id>_<secret>`: the prefix lets secret scanners and people recognise
 * them, the id finds the row, and only the sha256 of the whole key is stored. The secret carries
 * 256 random bits, so a fast hash is enough (there is nothing to brute-force).
 */
export const KEY_PATTERN = /^cdrql_([a-z0-9]{12})_([A-Za-z0-9_-]{32,})$/;

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export interface ApiKeyInfo {
  id: string;
  accountId: string;
  name: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  revokedAt: Date | null;
}

/** What a verified key lets a request do. */
export interface Credentials {
  keyId: string;
  accountId: string;
  scopes: ReadonlySet<ApiKeyScope>;
}

const INFO = { id: true, accountId: true, name: true, scopes: true, createdAt: true, revokedAt: true } as const;

export function newKey(id = randomBytes(6).toString('hex'), secret = randomBytes(32).toString('base64url')): { id: string; key: string } {
  return { id, key: `cdrql_${id}_${secret}` };
}

/** Creates a key; the returned `key` is the only time the secret is ever shown. */
export async function createApiKey(
  prisma: PrismaClient,
  input: { accountId: string; name: string; scopes: ApiKeyScope[] },
  actor: Actor,
  generated = newKey(),
): Promise<{ key: string; apiKey: ApiKeyInfo }> {
  const apiKey = await prisma.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        id: generated.id,
        accountId: input.accountId,
        name: input.name,
        scopes: input.scopes,
        secretHash: hashKey(generated.key),
        createdByKeyId: actor === 'cli' ? null : actor.apiKeyId,
      },
      select: INFO,
    });
    await recordAudit(tx, { accountId: input.accountId, actor, action: 'apiKey.create', target: created.id, details: { name: input.name, scopes: input.scopes } });
    return created;
  });
  return { key: generated.key, apiKey };
}

/**
 * Revokes a key of the account, and every key it created through createApiKey, and theirs in
 * turn: a leaked key cannot leave behind keys it minted. Null when the account has no such key.
 * Revoking twice keeps the first time. `revokedWith` lists the created keys revoked with it.
 */
export async function revokeApiKey(
  prisma: PrismaClient,
  accountId: string | null,
  id: string,
  actor: Actor,
): Promise<(ApiKeyInfo & { revokedWith: string[] }) | null> {
  return prisma.$transaction(async (tx) => {
    const found = await tx.apiKey.findFirst({ where: { id, ...(accountId ? { accountId } : {}) }, select: INFO });
    if (!found) return null;
    const revoked = found.revokedAt ? found : await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() }, select: INFO });
    if (!found.revokedAt) await recordAudit(tx, { accountId: found.accountId, actor, action: 'apiKey.revoke', target: id });
    const created = await tx.$queryRaw<Array<{ id: string }>>`
      WITH RECURSIVE made AS (
        SELECT id FROM api_keys WHERE created_by_key_id = ${id}
        UNION SELECT k.id FROM api_keys k JOIN made ON k.created_by_key_id = made.id
      )
      UPDATE api_keys SET revoked_at = now() WHERE id IN (SELECT id FROM made) AND revoked_at IS NULL RETURNING id`;
    for (const key of created) await recordAudit(tx, { accountId: found.accountId, actor, action: 'apiKey.revoke', target: key.id, details: { with: id } });
    return { ...revoked, revokedWith: created.map((key) => key.id) };
  });
}

export function listApiKeys(prisma: PrismaClient, accountId?: string): Promise<ApiKeyInfo[]> {
  return prisma.apiKey.findMany({ where: accountId ? { accountId } : {}, select: INFO, orderBy: [{ accountId: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] });
}

/**
 * The credentials of a well-formed, known, unrevoked key; null for anything else. Plain SQL, like
 * every read a query makes: through Prisma, a server's first request loaded its query compiler.
 */
export async function verifyApiKey(sql: SqlExecutor, key: string): Promise<Credentials | null> {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const [row] = await sql.query<{ id: string; account_id: string; scopes: ApiKeyScope[]; secret_hash: string }>(
    'SELECT id, account_id, scopes::text[] AS scopes, secret_hash FROM api_keys WHERE id = $1 AND revoked_at IS NULL',
    [match[1]],
  );
  if (!row) return null;
  const presented = Buffer.from(hashKey(key), 'hex');
  if (!timingSafeEqual(presented, Buffer.from(row.secret_hash, 'hex'))) return null;
  return { keyId: row.id, accountId: row.account_id, scopes: new Set(row.scopes) };
}
