-- CreateTable
CREATE TABLE "dmarc_report" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "report_key" TEXT NOT NULL,
    "org_name" TEXT NOT NULL,
    "reporter_email" TEXT NOT NULL,
    "reporter_kind" TEXT NOT NULL,
    "report_id" TEXT NOT NULL,
    "schema_version" TEXT NOT NULL,
    "policy_domain" TEXT NOT NULL,
    "policy_p" TEXT NOT NULL,
    "policy_sp" TEXT NOT NULL,
    "policy_pct" INTEGER,
    "policy_adkim" TEXT NOT NULL,
    "policy_aspf" TEXT NOT NULL,
    "policy_np" TEXT,
    "policy_testing" BOOLEAN,
    "begin_at" TIMESTAMPTZ(3) NOT NULL,
    "end_at" TIMESTAMPTZ(3) NOT NULL,
    "messages" INTEGER NOT NULL,
    "dmarc_pass" INTEGER NOT NULL,
    "dkim_aligned_pass" INTEGER NOT NULL,
    "spf_aligned_pass" INTEGER NOT NULL,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "filename" TEXT,
    "raw_bytes" INTEGER NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dmarc_report_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "dmarc_record" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "report_id" UUID NOT NULL,
    "begin_at" TIMESTAMPTZ(3) NOT NULL,
    "reporter_kind" TEXT NOT NULL,
    "reporter_org" TEXT NOT NULL,
    "source_ip" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "disposition" TEXT NOT NULL,
    "dkim_aligned" BOOLEAN NOT NULL,
    "spf_aligned" BOOLEAN NOT NULL,
    "dmarc_pass" BOOLEAN NOT NULL,
    "header_from" TEXT NOT NULL,
    "envelope_from" TEXT,
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "dkim_results" JSONB NOT NULL DEFAULT '[]',
    "spf_results" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "dmarc_record_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "sending_domain" (
    "organization_id" UUID NOT NULL,
    "domain" TEXT NOT NULL,
    "dkim_selectors" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sending_domain_pkey" PRIMARY KEY ("organization_id","domain")
);

-- CreateTable
CREATE TABLE "auth_check" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "fingerprint" TEXT NOT NULL,

    CONSTRAINT "auth_check_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "auth_change" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "from_status" TEXT NOT NULL,
    "to_status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "auth_change_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateIndex
CREATE INDEX "dmarc_report_organization_id_policy_domain_begin_at_idx" ON "dmarc_report"("organization_id", "policy_domain", "begin_at");

-- CreateIndex
CREATE UNIQUE INDEX "dmarc_report_organization_id_report_key_key" ON "dmarc_report"("organization_id", "report_key");

-- CreateIndex
CREATE INDEX "dmarc_record_organization_id_header_from_begin_at_idx" ON "dmarc_record"("organization_id", "header_from", "begin_at");

-- CreateIndex
CREATE INDEX "dmarc_record_organization_id_source_ip_begin_at_idx" ON "dmarc_record"("organization_id", "source_ip", "begin_at");

-- CreateIndex
CREATE INDEX "dmarc_record_organization_id_report_id_idx" ON "dmarc_record"("organization_id", "report_id");

-- CreateIndex
CREATE INDEX "auth_check_organization_id_kind_target_checked_at_idx" ON "auth_check"("organization_id", "kind", "target", "checked_at" DESC);

-- CreateIndex
CREATE INDEX "auth_check_organization_id_checked_at_idx" ON "auth_check"("organization_id", "checked_at");

-- CreateIndex
CREATE INDEX "auth_change_organization_id_at_idx" ON "auth_change"("organization_id", "at");

-- CreateIndex
CREATE INDEX "auth_change_organization_id_kind_target_at_idx" ON "auth_change"("organization_id", "kind", "target", "at");
