-- CreateTable
CREATE TABLE "metric_hour" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "category" "reply_category" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "deferred_per_recipient" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "metric_hour_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip","category")
);

-- CreateTable
CREATE TABLE "metric_domain_hour" (
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

    CONSTRAINT "metric_domain_hour_pkey" PRIMARY KEY ("organization_id","bucket","provider","recipient_domain")
);

-- CreateTable
CREATE TABLE "signature_hour" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "outcome" "outcome" NOT NULL,
    "kb_rule" TEXT,
    "count" INTEGER NOT NULL DEFAULT 0,
    "sample_reply" TEXT,

    CONSTRAINT "signature_hour_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip","signature","outcome")
);

-- CreateIndex
CREATE INDEX "metric_hour_organization_id_provider_bucket_idx" ON "metric_hour"("organization_id", "provider", "bucket");

-- CreateIndex
CREATE INDEX "metric_domain_hour_organization_id_provider_bucket_idx" ON "metric_domain_hour"("organization_id", "provider", "bucket");

-- CreateIndex
CREATE INDEX "signature_hour_organization_id_sending_ip_bucket_idx" ON "signature_hour"("organization_id", "sending_ip", "bucket");

-- Backfill from the data already stored, counted exactly as lib/metrics/rollup-sql.ts counts new rows: hours are UTC
-- hours (date_bin from 2000-01-01 00:00 UTC, independent of the session time zone). The counters are sums of
-- metric_minute's; signature_hour needs the sending IP, which signature_minute lacks, so it is folded from raw events.
INSERT INTO "metric_hour" ("organization_id", "bucket", "provider", "sending_ip", "category", "attempts", "delivered", "deferred", "bounced", "expired", "deferred_per_recipient")
SELECT "organization_id", date_bin(interval '1 hour', "bucket", TIMESTAMPTZ '2000-01-01 00:00:00+00'), "provider", "sending_ip", "category",
       sum("attempts"), sum("delivered"), sum("deferred"), sum("bounced"), sum("expired"), sum("deferred_per_recipient")
FROM "metric_minute" GROUP BY 1, 2, 3, 4, 5;

INSERT INTO "metric_domain_hour" ("organization_id", "bucket", "provider", "recipient_domain", "attempts", "delivered", "deferred", "bounced", "expired", "deferred_per_recipient")
SELECT "organization_id", date_bin(interval '1 hour', "bucket", TIMESTAMPTZ '2000-01-01 00:00:00+00'), "provider", "recipient_domain",
       sum("attempts"), sum("delivered"), sum("deferred"), sum("bounced"), sum("expired"), sum("deferred_per_recipient")
FROM "metric_minute" GROUP BY 1, 2, 3, 4;

INSERT INTO "signature_hour" ("organization_id", "bucket", "provider", "sending_ip", "signature", "outcome", "kb_rule", "count", "sample_reply")
SELECT "organization_id", date_bin(interval '1 hour', "occurred_at", TIMESTAMPTZ '2000-01-01 00:00:00+00'), "provider", coalesce("sending_ip", ''), "signature", "outcome",
       min("kb_rule"), count(*), min("reply")
FROM "delivery_event" WHERE "signature" IS NOT NULL AND "outcome" <> 'delivered'
GROUP BY 1, 2, 3, 4, 5, 6;
