-- The key that created a key through createApiKey: revoking a key revokes the keys it created.
ALTER TABLE "api_keys" ADD COLUMN "created_by_key_id" VARCHAR(32);

-- CreateIndex
CREATE INDEX "api_keys_created_by_key_id_idx" ON "api_keys"("created_by_key_id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_key_id_fkey" FOREIGN KEY ("created_by_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL ON UPDATE CASCADE;
