-- Status and direction ride along in the start-time index, so that a dashboard's count of, say,
-- completed inbound calls in a window is an index-only scan instead of a heap read per call.
-- DropIndex
DROP INDEX "calls_account_id_start_time_id_idx";

-- CreateIndex
CREATE INDEX "calls_account_id_start_time_id_status_direction_idx" ON "calls"("account_id", "start_time", "id", "status", "direction");
