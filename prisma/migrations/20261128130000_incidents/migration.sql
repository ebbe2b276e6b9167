-- CreateEnum
CREATE TYPE "incident_status" AS ENUM ('open', 'mitigating', 'recovered', 'resolved');

-- CreateEnum
CREATE TYPE "incident_scope" AS ENUM ('receiver', 'sender', 'unknown');

-- CreateEnum
CREATE TYPE "escalation_level" AS ENUM ('monitor', 'tune', 'escalate');

-- CreateTable
CREATE TABLE "incident" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "status" "incident_status" NOT NULL,
    "scope" "incident_scope" NOT NULL,
    "escalation" "escalation_level" NOT NULL,
    "provider" TEXT NOT NULL,
    "rule_key" TEXT NOT NULL,
    "kb_rule" TEXT,
    "signature" TEXT NOT NULL,
    "category" "reply_category" NOT NULL,
    "sample_reply" TEXT,
    "affected_ips" TEXT[],
    "affected_domains" TEXT[],
    "regions" TEXT[],
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "baseline_rate" DOUBLE PRECISION NOT NULL,
    "peak_deferral_rate" DOUBLE PRECISION NOT NULL,
    "peak_at" TIMESTAMPTZ(3) NOT NULL,
    "peak_queue_depth" INTEGER,
    "peak_queue_at" TIMESTAMPTZ(3),
    "peak_reported_at" TIMESTAMPTZ(3),
    "delivery_resumed_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "last_elevated_at" TIMESTAMPTZ(3) NOT NULL,
    "mitigating_at" TIMESTAMPTZ(3),
    "recovered_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolve_reason" TEXT,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "assignee" TEXT,
    "reopen_count" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "incident_event" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "actor" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_event_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "incident_setting" (
    "organization_id" UUID NOT NULL,
    "window_minutes" INTEGER NOT NULL DEFAULT 10,
    "min_attempts" INTEGER NOT NULL DEFAULT 20,
    "min_deferral_rate" DOUBLE PRECISION NOT NULL DEFAULT 0.2,
    "baseline_factor" DOUBLE PRECISION NOT NULL DEFAULT 3,
    "tune_after_minutes" INTEGER NOT NULL DEFAULT 15,
    "escalate_after_minutes" INTEGER NOT NULL DEFAULT 60,
    "reopen_window_minutes" INTEGER NOT NULL DEFAULT 120,
    "drain_quiet_minutes" INTEGER NOT NULL DEFAULT 15,
    "evaluated_through" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_setting_pkey" PRIMARY KEY ("organization_id")
);

-- CreateIndex
CREATE INDEX "incident_organization_id_status_idx" ON "incident"("organization_id", "status");

-- CreateIndex
CREATE INDEX "incident_organization_id_started_at_idx" ON "incident"("organization_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "incident_organization_id_provider_rule_key_idx" ON "incident"("organization_id", "provider", "rule_key");

-- CreateIndex
CREATE INDEX "incident_event_organization_id_incident_id_at_idx" ON "incident_event"("organization_id", "incident_id", "at");
