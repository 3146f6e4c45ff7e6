import { sql, type Sql } from '../sql.js';

/**
 * The account condition of every read of the account's tables: the planned reads
 * (src/graphql/read/emit.ts), statistics and exports all narrow their rows with this one function,
 * so no statement reads another account's rows.
 */
export const accountScope = (alias: Sql, accountId: string): Sql => sql`${alias}.account_id = ${accountId}`;
