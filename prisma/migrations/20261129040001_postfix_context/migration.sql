-- CreateTable
CREATE TABLE "postfix_context" (
    "organization_id" UUID NOT NULL,
    "host" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "queue_id" TEXT NOT NULL,
    "message_id" TEXT,
    "sender" TEXT,
    "size_bytes" INTEGER,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "postfix_context_pkey" PRIMARY KEY ("organization_id","host","instance","queue_id")
);

-- CreateIndex
CREATE INDEX "postfix_context_organization_id_updated_at_idx" ON "postfix_context"("organization_id", "updated_at");
