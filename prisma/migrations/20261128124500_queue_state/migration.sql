-- CreateTable
CREATE TABLE "message_state" (
    "organization_id" UUID NOT NULL,
    "message_key" BYTEA NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "recipient_domain" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "deferrals" INTEGER NOT NULL DEFAULT 0,
    "sending_ips" TEXT[],
    "final_at" TIMESTAMPTZ(3),
    "final_outcome" "outcome",
    "ends_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "message_state_pkey" PRIMARY KEY ("organization_id","message_key")
);

-- CreateTable
CREATE TABLE "queue_delta_minute" (
    "organization_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "delta" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "queue_delta_minute_pkey" PRIMARY KEY ("organization_id","bucket","provider","sending_ip")
);

-- CreateTable
CREATE TABLE "queue_sample" (
    "organization_id" UUID NOT NULL,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "sending_ip" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "oldest_age_seconds" INTEGER,

    CONSTRAINT "queue_sample_pkey" PRIMARY KEY ("organization_id","sampled_at","source","provider","sending_ip")
);

-- CreateIndex
CREATE INDEX "message_state_organization_id_ends_at_idx" ON "message_state"("organization_id", "ends_at");

-- CreateIndex
CREATE INDEX "queue_delta_minute_organization_id_provider_bucket_idx" ON "queue_delta_minute"("organization_id", "provider", "bucket");

-- CreateIndex
CREATE INDEX "queue_sample_organization_id_provider_sampled_at_idx" ON "queue_sample"("organization_id", "provider", "sampled_at");
