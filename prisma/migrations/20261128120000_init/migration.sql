-- CreateEnum
CREATE TYPE "role" AS ENUM ('admin', 'analyst', 'viewer');

-- CreateEnum
CREATE TYPE "token_scope" AS ENUM ('ingest', 'read');

-- CreateEnum
CREATE TYPE "outcome" AS ENUM ('delivered', 'deferred', 'bounced', 'expired');

-- CreateEnum
CREATE TYPE "reply_category" AS ENUM ('throttling', 'reputation', 'blocklist', 'authentication', 'policy', 'recipient', 'infrastructure', 'unknown');

-- CreateTable
CREATE TABLE "organization" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(3),

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "membership" (
    "organization_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "membership_pkey" PRIMARY KEY ("organization_id","user_id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scope" "token_scope" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "display_prefix" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingest_batch" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "format_reason" TEXT,
    "filename" TEXT,
    "upload_id" TEXT,
    "offset_bytes" BIGINT NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "lines" INTEGER NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "created_by_user_id" UUID,
    "created_by_token_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ingest_batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_event" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "dedupe_key" BYTEA NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,
    "source_host" TEXT,
    "queue_id" TEXT,
    "message_id" TEXT,
    "sender" TEXT,
    "recipient" TEXT,
    "recipient_domain" TEXT,
    "provider" TEXT NOT NULL,
    "mx_host" TEXT,
    "mx_ip" TEXT,
    "sending_ip" TEXT,
    "outcome" "outcome" NOT NULL,
    "smtp_code" SMALLINT,
    "enhanced_code" TEXT,
    "reply" TEXT,
    "provider_token" TEXT,
    "provider_host" TEXT,
    "provider_region" TEXT,
    "correlation_id" TEXT,
    "delay_seconds" INTEGER,
    "attempt" INTEGER,
    "size_bytes" INTEGER,
    "kb_rule" TEXT,
    "category" "reply_category" NOT NULL,
    "scope" TEXT,
    "signature" TEXT,
    "is_per_recipient" BOOLEAN NOT NULL DEFAULT false,
    "batch_id" UUID NOT NULL,

    CONSTRAINT "delivery_event_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "metric_minute" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "recipient_domain" TEXT NOT NULL,
    "category" "reply_category" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "deferred_per_recipient" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "metric_minute_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip","recipient_domain","category")
);

-- CreateTable
CREATE TABLE "signature_minute" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "outcome" "outcome" NOT NULL,
    "kb_rule" TEXT,
    "count" INTEGER NOT NULL DEFAULT 0,
    "sample_reply" TEXT,

    CONSTRAINT "signature_minute_pkey" PRIMARY KEY ("organization_id","bucket","provider","signature","outcome")
);

-- CreateIndex
CREATE UNIQUE INDEX "organization_slug_key" ON "organization"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE INDEX "membership_user_id_idx" ON "membership"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");

-- CreateIndex
CREATE INDEX "api_token_organization_id_idx" ON "api_token"("organization_id");

-- CreateIndex
CREATE INDEX "ingest_batch_organization_id_created_at_idx" ON "ingest_batch"("organization_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "ingest_batch_organization_id_upload_id_idx" ON "ingest_batch"("organization_id", "upload_id");

-- CreateIndex
CREATE INDEX "delivery_event_organization_id_occurred_at_idx" ON "delivery_event"("organization_id", "occurred_at" DESC);

-- CreateIndex
CREATE INDEX "delivery_event_organization_id_provider_occurred_at_idx" ON "delivery_event"("organization_id", "provider", "occurred_at");

-- CreateIndex
CREATE INDEX "delivery_event_organization_id_sending_ip_occurred_at_idx" ON "delivery_event"("organization_id", "sending_ip", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_event_organization_id_dedupe_key_key" ON "delivery_event"("organization_id", "dedupe_key");

-- CreateIndex
CREATE INDEX "metric_minute_organization_id_provider_bucket_idx" ON "metric_minute"("organization_id", "provider", "bucket");

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_token" ADD CONSTRAINT "api_token_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_batch" ADD CONSTRAINT "ingest_batch_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
