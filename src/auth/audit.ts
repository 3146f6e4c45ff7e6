import { Prisma } from '../db/generated/client.js';
import type { SqlExecutor } from '../db/sql-driver.js';

/** Who makes a change: an API key, or someone at the command line. */
export type Actor = { apiKeyId: string } | 'cli';

export interface AuditEntry {
  accountId: string;
  actor: Actor;
  action: string;
  target?: string;
  details?: Prisma.InputJsonValue;
}

/** The one statement that records an audit event, for Prisma transactions and driver transactions alike. */
function auditInsert(entry: AuditEntry): Prisma.Sql {
  const apiKeyId = entry.actor === 'cli' ? null : entry.actor.apiKeyId;
  return Prisma.sql`INSERT INTO audit_events (account_id, api_key_id, actor, action, target, details)
    VALUES (${entry.accountId}, ${apiKeyId}, ${apiKeyId ?? 'cli'}, ${entry.action}, ${entry.target ?? null}, ${JSON.stringify(entry.details ?? {})}::jsonb)`;
}

/** Records a write in the same transaction as the write itself, so neither exists without the other. */
export async function recordAudit(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw(auditInsert(entry));
}

/** The same, in a transaction of the SQL driver (imports write through it). */
export async function recordAuditIn(tx: SqlExecutor, entry: AuditEntry): Promise<void> {
  const statement = auditInsert(entry);
  await tx.query(statement.text, statement.values);
}
