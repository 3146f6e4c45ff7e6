-- Live call data: webhook endpoints that platforms post call progress to, the signatures they
-- were accepted with (refusing replays), and the log of changed calls that subscriptions replay.

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" VARCHAR(32) NOT NULL,
    "account_id" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "endpoint_id" VARCHAR(32) NOT NULL,
    "signature" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("endpoint_id","signature")
);

-- CreateTable
CREATE TABLE "call_events" (
    "sequence" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "call_id" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "call_events_pkey" PRIMARY KEY ("sequence")
);

-- CreateIndex
CREATE INDEX "webhook_endpoints_account_id_created_at_id_idx" ON "webhook_endpoints"("account_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_expires_at_idx" ON "webhook_deliveries"("expires_at");

-- CreateIndex
CREATE INDEX "call_events_account_id_sequence_idx" ON "call_events"("account_id", "sequence");

-- CreateIndex
CREATE INDEX "call_events_at_idx" ON "call_events"("at");

-- AddForeignKey
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "call_events" ADD CONSTRAINT "call_events_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
