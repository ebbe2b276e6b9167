-- AlterTable
ALTER TABLE "ingest_batch" DROP CONSTRAINT "ingest_batch_pkey",
ADD CONSTRAINT "ingest_batch_pkey" PRIMARY KEY ("organization_id", "id");
