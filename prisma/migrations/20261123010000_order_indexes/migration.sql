-- DropIndex
DROP INDEX "recordings_call_id_id_idx";

-- CreateIndex
CREATE INDEX "calls_account_id_end_time_id_idx" ON "calls"("account_id", "end_time", "id");

-- CreateIndex
CREATE INDEX "calls_account_id_duration_id_idx" ON "calls"("account_id", "duration", "id");

-- CreateIndex
CREATE INDEX "calls_account_id_price_id_idx" ON "calls"("account_id", "price", "id");

-- CreateIndex
CREATE INDEX "calls_account_id_created_at_id_idx" ON "calls"("account_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "recordings_call_id_recorded_at_id_idx" ON "recordings"("call_id", "recorded_at", "id");

-- CreateIndex
CREATE INDEX "recordings_account_id_length_seconds_id_idx" ON "recordings"("account_id", "length_seconds", "id");
