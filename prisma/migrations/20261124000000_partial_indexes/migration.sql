-- Indexes on values most calls lack become partial: an import of calls that are not legs and
-- have no DID no longer maintains them, and they hold only the calls they serve. Legs waiting for
-- their parent are the only ones the parent's arrival has to find.
-- DropIndex
DROP INDEX "calls_parent_id_start_time_id_idx";

-- DropIndex
DROP INDEX "calls_account_id_source_parent_external_id_idx";

-- DropIndex
DROP INDEX "calls_account_id_did_number_idx";

-- CreateIndex
CREATE INDEX "calls_parent_id_start_time_id_idx" ON "calls"("parent_id", "start_time", "id") WHERE (parent_id IS NOT NULL);

-- CreateIndex
CREATE INDEX "calls_account_id_source_parent_external_id_idx" ON "calls"("account_id", "source", "parent_external_id") WHERE (parent_external_id IS NOT NULL AND parent_id IS NULL);

-- CreateIndex
CREATE INDEX "calls_account_id_did_number_idx" ON "calls"("account_id", "did_number") WHERE (did_number IS NOT NULL);
