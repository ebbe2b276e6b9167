-- AlterTable
ALTER TABLE "queue_delta_minute" ADD COLUMN     "aged_out" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "queue_delta_hour" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "delta" INTEGER NOT NULL DEFAULT 0,
    "aged_out" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "queue_delta_hour_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip")
);

-- CreateTable
CREATE TABLE "queue_delta_day" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "delta" INTEGER NOT NULL DEFAULT 0,
    "aged_out" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "queue_delta_day_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip")
);

-- CreateTable
CREATE TABLE "queue_oldest_minute" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "oldest_first_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "queue_oldest_minute_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip")
);

-- CreateTable
CREATE TABLE "queue_oldest_hour" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "oldest_first_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "queue_oldest_hour_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip")
);

-- CreateTable
CREATE TABLE "queue_oldest_day" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "oldest_first_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "queue_oldest_day_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip")
);

-- Backfill from the queue state already stored, as lib/queue/queue-sql.ts folds new batches: lifetime ends of messages
-- whose fate was never seen at the minute they leave; hours and days are UTC (date_bin from 2000-01-01 00:00 UTC).
INSERT INTO "queue_delta_minute" ("organization_id", "bucket", "provider", "sending_ip", "delta", "aged_out")
SELECT "organization_id", date_trunc('minute', "ends_at"), "provider", "sending_ip", 0, count(*)
FROM "message_state" WHERE "final_at" IS NULL GROUP BY 1, 2, 3, 4
ON CONFLICT ("organization_id", "bucket", "provider", "sending_ip") DO UPDATE SET "aged_out" = EXCLUDED."aged_out";

INSERT INTO "queue_delta_hour" ("organization_id", "bucket", "provider", "sending_ip", "delta", "aged_out")
SELECT "organization_id", date_bin(interval '1 hour', "bucket", TIMESTAMPTZ '2000-01-01 00:00:00+00'), "provider", "sending_ip", sum("delta"), sum("aged_out")
FROM "queue_delta_minute" GROUP BY 1, 2, 3, 4 HAVING sum("delta") <> 0 OR sum("aged_out") <> 0;

INSERT INTO "queue_delta_day" ("organization_id", "bucket", "provider", "sending_ip", "delta", "aged_out")
SELECT "organization_id", date_bin(interval '1 day', "bucket", TIMESTAMPTZ '2000-01-01 00:00:00+00'), "provider", "sending_ip", sum("delta"), sum("aged_out")
FROM "queue_delta_minute" GROUP BY 1, 2, 3, 4 HAVING sum("delta") <> 0 OR sum("aged_out") <> 0;

INSERT INTO "queue_oldest_minute" ("organization_id", "bucket", "provider", "sending_ip", "oldest_first_seen_at")
SELECT "organization_id", b, "provider", "sending_ip", min("first_seen_at")
FROM (SELECT *, date_bin(interval '1 minute', "ends_at" - interval '1 microsecond', TIMESTAMPTZ '2000-01-01 00:00:00+00') AS b FROM "message_state") m
WHERE "first_seen_at" <= b GROUP BY 1, 2, 3, 4;

INSERT INTO "queue_oldest_hour" ("organization_id", "bucket", "provider", "sending_ip", "oldest_first_seen_at")
SELECT "organization_id", date_bin(interval '1 hour', "bucket", TIMESTAMPTZ '2000-01-01 00:00:00+00'), "provider", "sending_ip", min("oldest_first_seen_at")
FROM "queue_oldest_minute" GROUP BY 1, 2, 3, 4;

INSERT INTO "queue_oldest_day" ("organization_id", "bucket", "provider", "sending_ip", "oldest_first_seen_at")
SELECT "organization_id", date_bin(interval '1 day', "bucket", TIMESTAMPTZ '2000-01-01 00:00:00+00'), "provider", "sending_ip", min("oldest_first_seen_at")
FROM "queue_oldest_hour" GROUP BY 1, 2, 3, 4;
