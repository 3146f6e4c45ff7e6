import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/generated/client.js';
import type { SqlExecutor } from '../db/sql-driver.js';
import { recordAudit, type Actor } from '../auth/audit.js';
import { FORMATS, type FormatName } from '../importers/import.js';

/** The formats an endpoint can take, as they appear in its URL. */
export const WEBHOOK_FORMATS = Object.keys(FORMATS) as FormatName[];

/** Formats whose platform signs with a secret of its own, which the endpoint must be given. */
export const VENDOR_SECRET_FORMATS: ReadonlySet<FormatName> = new Set(['freeclimb', 'jambonz', 'restcomm']);

export interface WebhookEndpointInfo {
  id: string;
  accountId: string;
  format: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** What verifying a request needs: the endpoint's account, format and secret, when it is active. */
export interface ActiveEndpoint {
  id: string;
  accountId: string;
  format: FormatName;
  secret: string;
}

const INFO = { id: true, accountId: true, format: true, name: true, createdAt: true, revokedAt: true } as const;

export const ENDPOINT_ID = /^wh_[a-f0-9]{12}$/;

/** Why an endpoint cannot be created as asked, or null. */
export function endpointProblem(format: string, secret: string | undefined): string | null {
  if (!WEBHOOK_FORMATS.includes(format as FormatName)) return `the format must be one of ${WEBHOOK_FORMATS.join(', ')}; got "${format}"`;
  if (VENDOR_SECRET_FORMATS.has(format as FormatName) && !secret) {
    return `${format} signs its callbacks with a secret of its own (see docs/webhooks.md): give it as the secret`;
  }
  if (secret !== undefined && secret.length < 8) return 'a secret has at least 8 characters';
  return null;
}

/**
 * Creates an endpoint. The secret is the platform's own for the formats it signs, otherwise one
 * made here; either way it is stored as given, since verifying an HMAC needs it, and the
 * returned `secret` is the only time a made one is shown.
 */
export async function createWebhookEndpoint(
  prisma: PrismaClient,
  input: { accountId: string; format: FormatName; name: string; secret?: string },
  actor: Actor,
): Promise<{ secret: string; endpoint: WebhookEndpointInfo }> {
  const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
  const endpoint = await prisma.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: { id: `wh_${randomBytes(6).toString('hex')}`, accountId: input.accountId, format: input.format, name: input.name, secret },
      select: INFO,
    });
    await recordAudit(tx, { accountId: input.accountId, actor, action: 'webhookEndpoint.create', target: created.id, details: { format: input.format, name: input.name } });
    return created;
  });
  return { secret, endpoint };
}

/** Revokes an endpoint of the account (any account when null); null when there is no such endpoint. */
export async function revokeWebhookEndpoint(prisma: PrismaClient, accountId: string | null, id: string, actor: Actor): Promise<WebhookEndpointInfo | null> {
  return prisma.$transaction(async (tx) => {
    const found = await tx.webhookEndpoint.findFirst({ where: { id, ...(accountId ? { accountId } : {}) }, select: INFO });
    if (!found) return null;
    if (found.revokedAt) return found;
    const revoked = await tx.webhookEndpoint.update({ where: { id }, data: { revokedAt: new Date() }, select: INFO });
    await recordAudit(tx, { accountId: found.accountId, actor, action: 'webhookEndpoint.revoke', target: id });
    return revoked;
  });
}

export function listWebhookEndpoints(prisma: PrismaClient, accountId?: string): Promise<WebhookEndpointInfo[]> {
  return prisma.webhookEndpoint.findMany({ where: accountId ? { accountId } : {}, select: INFO, orderBy: [{ accountId: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] });
}

/** The active endpoint with this id and format; null for anything else. Plain SQL, like API key checks. */
export async function activeEndpoint(sql: SqlExecutor, id: string, format: string): Promise<ActiveEndpoint | null> {
  if (!ENDPOINT_ID.test(id)) return null;
  const [row] = await sql.query<{ id: string; account_id: string; format: string; secret: string }>(
    'SELECT id, account_id, format, secret FROM webhook_endpoints WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  if (!row || row.format !== format) return null;
  return { id: row.id, accountId: row.account_id, format: row.format as FormatName, secret: row.secret };
}
