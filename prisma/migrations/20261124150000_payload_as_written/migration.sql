-- The vendor's record is kept as the JSON text it was written in: jsonb reordered its members
-- (by length, then name) and made PostgreSQL parse every imported record into its binary form,
-- about a tenth of an import's database time.
-- AlterTable
ALTER TABLE "calls" ALTER COLUMN "payload" SET DATA TYPE JSON USING "payload"::json;
