-- CreateEnum
CREATE TYPE "CallSource" AS ENUM ('FREECLIMB', 'RESTCOMM', 'PBX', 'CALLFIRE', 'JAMBONZ', 'NATIVE');

-- CreateEnum
CREATE TYPE "CallStatus" AS ENUM ('QUEUED', 'TRYING', 'RINGING', 'IN_PROGRESS', 'COMPLETED', 'CANCELED', 'BUSY', 'FAILED', 'NO_ANSWER', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "CallDirection" AS ENUM ('INBOUND', 'OUTBOUND_API', 'OUTBOUND_DIAL', 'OUTBOUND');

-- CreateEnum
CREATE TYPE "AnsweredBy" AS ENUM ('HUMAN', 'MACHINE', 'FAX', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "HangupDisposition" AS ENUM ('CALLEE_BYE', 'CALLER_BYE', 'CALLER_CANCEL', 'CALLEE_REFUSE', 'INTERNAL_CANCEL', 'UNDETERMINED');

-- CreateEnum
CREATE TYPE "PbxResult" AS ENUM ('BUSY', 'ANSWERED', 'BRIDGED', 'NOT_ANSWERED', 'REJECTED', 'FAILED');

-- CreateEnum
CREATE TYPE "CallFireState" AS ENUM ('READY', 'SELECTED', 'CALLBACK', 'FINISHED', 'DNC', 'DUP', 'INVALID', 'TIMEOUT');

-- CreateEnum
CREATE TYPE "CallFireResult" AS ENUM ('LA', 'AM', 'BUSY', 'DNC', 'XFER', 'XFER_LEG', 'NO_ANS', 'UNDIALED', 'SENT', 'INTERNAL_ERROR', 'CARRIER_ERROR', 'CARRIER_TEMP_ERROR', 'SD', 'POSTPONED', 'ABANDONED', 'OTHER');

-- CreateTable
CREATE TABLE "accounts" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calls" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "source" "CallSource" NOT NULL,
    "external_id" TEXT NOT NULL,
    "vendor_account_id" TEXT,
    "uri" TEXT,
    "sip_call_id" TEXT,
    "parent_id" BIGINT,
    "parent_external_id" TEXT,
    "from_address" TEXT,
    "from_number" TEXT,
    "from_domain" TEXT,
    "caller_name" TEXT,
    "to_address" TEXT,
    "to_number" TEXT,
    "to_domain" TEXT,
    "forwarded_from" TEXT,
    "diversion_number" TEXT,
    "did_number" TEXT,
    "did_domain" TEXT,
    "bridged_address" TEXT,
    "bridged_domain" TEXT,
    "phone_number_id" TEXT,
    "extension_id" BIGINT,
    "extension_name" TEXT,
    "extension_type" TEXT,
    "extension_group_id" BIGINT,
    "extension_external_number" TEXT,
    "vendor_created_at" TIMESTAMPTZ(3),
    "vendor_updated_at" TIMESTAMPTZ(3),
    "vendor_revision" INTEGER,
    "start_time" TIMESTAMPTZ(3),
    "answer_time" TIMESTAMPTZ(3),
    "bridged_time" TIMESTAMPTZ(3),
    "end_time" TIMESTAMPTZ(3),
    "duration" INTEGER,
    "connect_duration" INTEGER,
    "bridged_duration" INTEGER,
    "status" "CallStatus" NOT NULL,
    "vendor_status" TEXT,
    "direction" "CallDirection",
    "vendor_direction" TEXT,
    "answered_by" "AnsweredBy",
    "vendor_answered_by" TEXT,
    "hangup_cause" TEXT,
    "hangup_disposition" "HangupDisposition",
    "pbx_result" "PbxResult",
    "callfire_state" "CallFireState",
    "callfire_final_result" "CallFireResult",
    "vendor_result" TEXT,
    "sip_status" INTEGER,
    "sip_reason" TEXT,
    "price" DECIMAL(14,6),
    "currency" VARCHAR(3),
    "application_id" TEXT,
    "service_url" TEXT,
    "originating_sip_ip" TEXT,
    "originating_sip_trunk" TEXT,
    "api_version" TEXT,
    "broadcast_id" BIGINT,
    "batch_id" BIGINT,
    "contact_id" BIGINT,
    "label" TEXT,
    "quality_rate" INTEGER,
    "quality_max_rate" INTEGER,
    "payload" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "call_records" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "call_id" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "external_id" TEXT,
    "result" "CallFireResult",
    "vendor_result" TEXT,
    "originate_time" TIMESTAMPTZ(3),
    "answer_time" TIMESTAMPTZ(3),
    "finish_time" TIMESTAMPTZ(3),
    "duration" INTEGER,
    "billed_amount" DECIMAL(14,6),
    "switch_id" TEXT,
    "caller_name" TEXT,
    "question_responses" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "call_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recordings" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "call_id" BIGINT NOT NULL,
    "call_record_id" BIGINT,
    "external_id" TEXT,
    "name" TEXT,
    "recorded_at" TIMESTAMPTZ(3),
    "length_seconds" INTEGER,
    "url" TEXT,

    CONSTRAINT "recordings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "calls_account_id_start_time_id_idx" ON "calls"("account_id", "start_time", "id");

-- CreateIndex
CREATE INDEX "calls_parent_id_start_time_id_idx" ON "calls"("parent_id", "start_time", "id");

-- CreateIndex
CREATE INDEX "calls_account_id_source_parent_external_id_idx" ON "calls"("account_id", "source", "parent_external_id");

-- CreateIndex
CREATE INDEX "calls_account_id_from_number_idx" ON "calls"("account_id", "from_number");

-- CreateIndex
CREATE INDEX "calls_account_id_to_number_idx" ON "calls"("account_id", "to_number");

-- CreateIndex
CREATE INDEX "calls_account_id_did_number_idx" ON "calls"("account_id", "did_number");

-- CreateIndex
CREATE UNIQUE INDEX "calls_account_id_source_external_id_key" ON "calls"("account_id", "source", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "call_records_call_id_attempt_key" ON "call_records"("call_id", "attempt");

-- CreateIndex
CREATE INDEX "recordings_call_id_id_idx" ON "recordings"("call_id", "id");

-- CreateIndex
CREATE INDEX "recordings_call_record_id_idx" ON "recordings"("call_record_id");

-- CreateIndex
CREATE INDEX "recordings_account_id_recorded_at_id_idx" ON "recordings"("account_id", "recorded_at", "id");

-- AddForeignKey
ALTER TABLE "calls" ADD CONSTRAINT "calls_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calls" ADD CONSTRAINT "calls_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "calls"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "call_records" ADD CONSTRAINT "call_records_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "call_records" ADD CONSTRAINT "call_records_call_id_fkey" FOREIGN KEY ("call_id") REFERENCES "calls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_call_id_fkey" FOREIGN KEY ("call_id") REFERENCES "calls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_call_record_id_fkey" FOREIGN KEY ("call_record_id") REFERENCES "call_records"("id") ON DELETE SET NULL ON UPDATE CASCADE;
