-- CreateEnum
CREATE TYPE "alert_endpoint_kind" AS ENUM ('slack', 'generic');

-- CreateEnum
CREATE TYPE "alert_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "alert_endpoint" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "kind" "alert_endpoint_kind" NOT NULL,
    "secret" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_endpoint_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "alert_outbox" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "alert_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_outbox_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "alert_attempt" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "outbox_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "alert_attempt_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateIndex
CREATE INDEX "alert_outbox_status_next_attempt_at_idx" ON "alert_outbox"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_outbox_organization_id_endpoint_id_incident_id_event__key" ON "alert_outbox"("organization_id", "endpoint_id", "incident_id", "event", "at");

-- CreateIndex
CREATE INDEX "alert_attempt_organization_id_attempted_at_idx" ON "alert_attempt"("organization_id", "attempted_at" DESC);
