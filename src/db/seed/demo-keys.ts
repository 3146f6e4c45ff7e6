import { hashKey } from '../../auth/api-keys.js';
import type { SqlDriver, SqlExecutor } from '../sql-driver.js';

/**
 * The demo accounts' API keys. They are published in this file on purpose: they open only the
 * generated demo data, and `npm start` prints them. Revoke them (npm run keys -- revoke <id>) on
 * any database that holds real data.
 */
export const DEMO_KEYS = [
  { id: 'demo0acme000', accountId: 'acme', key: 'cdrql_demo0acme000_demo-key-for-the-acme-demo-account-only' },
  { id: 'demo0globex0', accountId: 'globex', key: 'cdrql_demo0globex0_demo-key-for-the-globex-demo-account-only' },
] as const;

export async function insertDemoKeys(tx: SqlExecutor, accountIds: readonly string[]): Promise<void> {
  for (const demo of DEMO_KEYS.filter((key) => accountIds.includes(key.accountId))) {
    await tx.query(
      `INSERT INTO api_keys (id, account_id, name, secret_hash, scopes) VALUES ($1, $2, 'demo', $3, '{READ,WRITE,ADMIN}')`,
      [demo.id, demo.accountId, hashKey(demo.key)],
    );
  }
}

/** The demo keys that exist and are not revoked. */
export async function activeDemoKeys(sql: SqlDriver): Promise<Array<(typeof DEMO_KEYS)[number]>> {
  const rows = await sql.query<{ id: string }>('SELECT id FROM api_keys WHERE id = ANY($1::text[]) AND revoked_at IS NULL', [DEMO_KEYS.map((k) => k.id)]);
  const active = new Set(rows.map((row) => row.id));
  return DEMO_KEYS.filter((key) => active.has(key.id));
}
