import { sql, type ColumnAccess } from '../sql.js';

/*
 * Conditions on a call that the API reads as fields and filters, and statistics count by: one
 * definition each.
 */

/**
 * A call counts as answered when it has an answer time or its status says it was answered:
 * Restcomm and jambonz report no answer time. The rule is the SQL function call_answered (the
 * rollup triggers count by it too, prisma/migrations/20261202060000_call_rollups); PostgreSQL
 * inlines it, so a filter on it plans as the expression itself.
 */
export const ANSWERED = (column: ColumnAccess) => sql`call_answered(${column('status')}, ${column('answer_time')})`;

/** A leg has a parent, known by its row or, until that arrives, by the vendor's id of it. */
export const IS_LEG = (column: ColumnAccess) => sql`(${column('parent_id')} IS NOT NULL OR ${column('parent_external_id')} IS NOT NULL)`;

/** Whether a recording of the call is stored (recordings are kept in their call's account). */
export const HAS_RECORDING = (column: ColumnAccess) =>
  sql`EXISTS (SELECT 1 FROM recordings hr WHERE hr.call_id = ${column('id')} AND hr.account_id = ${column('account_id')})`;
