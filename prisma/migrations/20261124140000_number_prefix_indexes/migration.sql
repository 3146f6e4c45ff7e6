-- The number indexes in byte order (text_pattern_ops): a number prefix filter reads them as a
-- range (~>=~ / ~<~) under any collation and in generic plans. With the default operator class,
-- PostgreSQL turns LIKE 'prefix%' into an index range only under the C collation (before 17 not
-- C.UTF-8), so a prefix read every number of the account.
-- DropIndex
DROP INDEX "calls_account_id_from_number_idx";

-- DropIndex
DROP INDEX "calls_account_id_to_number_idx";

-- DropIndex
DROP INDEX "calls_account_id_did_number_idx";

-- CreateIndex
CREATE INDEX "calls_account_id_from_number_idx" ON "calls"("account_id", "from_number" text_pattern_ops);

-- CreateIndex
CREATE INDEX "calls_account_id_to_number_idx" ON "calls"("account_id", "to_number" text_pattern_ops);

-- CreateIndex
CREATE INDEX "calls_account_id_did_number_idx" ON "calls"("account_id", "did_number" text_pattern_ops) WHERE (did_number IS NOT NULL);
