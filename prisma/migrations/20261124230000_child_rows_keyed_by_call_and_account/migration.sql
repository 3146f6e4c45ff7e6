-- An attempt's and a recording's account was checked on its own (the account exists), not
-- against its call's: one foreign key to the call and its account together says both, and
-- PostgreSQL checks one key per row written instead of two.

-- CreateIndex
CREATE UNIQUE INDEX "calls_id_account_id_key" ON "calls"("id", "account_id");

-- DropForeignKey
ALTER TABLE "call_records" DROP CONSTRAINT "call_records_account_id_fkey";

-- DropForeignKey
ALTER TABLE "call_records" DROP CONSTRAINT "call_records_call_id_fkey";

-- DropForeignKey
ALTER TABLE "recordings" DROP CONSTRAINT "recordings_account_id_fkey";

-- DropForeignKey
ALTER TABLE "recordings" DROP CONSTRAINT "recordings_call_id_fkey";

-- AddForeignKey
ALTER TABLE "call_records" ADD CONSTRAINT "call_records_call_id_account_id_fkey" FOREIGN KEY ("call_id", "account_id") REFERENCES "calls"("id", "account_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_call_id_account_id_fkey" FOREIGN KEY ("call_id", "account_id") REFERENCES "calls"("id", "account_id") ON DELETE CASCADE ON UPDATE CASCADE;
