-- CreateTable
CREATE TABLE "metric_provider_hour" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "deferred_per_recipient" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "metric_provider_hour_pkey" PRIMARY KEY ("organization_id","bucket","provider")
);

-- Backfill from the data already stored, counted as lib/metrics/rollup-sql.ts counts new rows: the sums of
-- metric_hour's rows over sending IPs and categories.
INSERT INTO "metric_provider_hour" ("organization_id", "bucket", "provider", "attempts", "delivered", "deferred", "bounced", "expired", "deferred_per_recipient")
SELECT "organization_id", "bucket", "provider", sum("attempts"), sum("delivered"), sum("deferred"), sum("bounced"), sum("expired"), sum("deferred_per_recipient")
FROM "metric_hour" GROUP BY 1, 2, 3;
