-- CreateTable
CREATE TABLE "metric_ip_minute" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "deferred_per_recipient" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "metric_ip_minute_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip")
);

-- CreateTable
CREATE TABLE "metric_domain_day" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "recipient_domain" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "deferred_per_recipient" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "metric_domain_day_pkey" PRIMARY KEY ("organization_id","bucket","provider","recipient_domain")
);

-- CreateTable
CREATE TABLE "metric_domain_week" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "recipient_domain" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "deferred_per_recipient" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "metric_domain_week_pkey" PRIMARY KEY ("organization_id","bucket","provider","recipient_domain")
);

-- CreateIndex
CREATE INDEX "metric_domain_day_organization_id_provider_bucket_idx" ON "metric_domain_day"("organization_id", "provider", "bucket");

-- CreateIndex
CREATE INDEX "metric_domain_day_organization_id_recipient_domain_bucket_idx" ON "metric_domain_day"("organization_id", "recipient_domain", "bucket");

-- CreateIndex
CREATE INDEX "metric_domain_week_organization_id_provider_bucket_idx" ON "metric_domain_week"("organization_id", "provider", "bucket");

-- CreateIndex
CREATE INDEX "metric_domain_hour_organization_id_recipient_domain_bucket_idx" ON "metric_domain_hour"("organization_id", "recipient_domain", "bucket");

-- Backfill from the data already stored, counted as lib/metrics/rollup-sql.ts counts new rows: metric_ip_minute sums
-- metric_minute's rows; UTC days (date_bin from 2000-01-01 00:00 UTC) sum metric_domain_hour's hours, and weeks from
-- Monday 00:00 UTC (2000-01-03 was a Monday) the days.
INSERT INTO "metric_ip_minute" ("organization_id", "bucket", "provider", "sending_ip", "attempts", "delivered", "deferred", "bounced", "expired", "deferred_per_recipient")
SELECT "organization_id", "bucket", "provider", "sending_ip", sum("attempts"), sum("delivered"), sum("deferred"), sum("bounced"), sum("expired"), sum("deferred_per_recipient")
FROM "metric_minute" GROUP BY 1, 2, 3, 4;

INSERT INTO "metric_domain_day" ("organization_id", "bucket", "provider", "recipient_domain", "attempts", "delivered", "deferred", "bounced", "expired", "deferred_per_recipient")
SELECT "organization_id", date_bin(interval '1 day', "bucket", TIMESTAMPTZ '2000-01-01 00:00:00+00'), "provider", "recipient_domain",
       sum("attempts"), sum("delivered"), sum("deferred"), sum("bounced"), sum("expired"), sum("deferred_per_recipient")
FROM "metric_domain_hour" GROUP BY 1, 2, 3, 4;

INSERT INTO "metric_domain_week" ("organization_id", "bucket", "provider", "recipient_domain", "attempts", "delivered", "deferred", "bounced", "expired", "deferred_per_recipient")
SELECT "organization_id", date_bin(interval '7 days', "bucket", TIMESTAMPTZ '2000-01-03 00:00:00+00'), "provider", "recipient_domain",
       sum("attempts"), sum("delivered"), sum("deferred"), sum("bounced"), sum("expired"), sum("deferred_per_recipient")
FROM "metric_domain_day" GROUP BY 1, 2, 3, 4;
