import type { Prisma } from '../db/generated/client.js';

/** Who makes a change: an API key, or someone at the command line. */
export type Actor = { apiKeyId: string } | 'cli';

export interface AuditEntry {
  accountId: string;
  actor: Actor;
  action: string;
  target?: string;
  details?: Prisma.InputJsonValue;
}

/** Records a write in the same transaction as the write itself, so neither exists without the other. */
export async function recordAudit(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  const apiKeyId = entry.actor === 'cli' ? null : entry.actor.apiKeyId;
  await tx.auditEvent.create({
    data: {
      accountId: entry.accountId,
      apiKeyId,
      actor: apiKeyId ?? 'cli',
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ?? {},
    },
  });
}
