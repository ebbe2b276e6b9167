-- AlterTable
ALTER TABLE "incident" ADD COLUMN     "is_historical" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "incident_event" ADD COLUMN     "entry_key" TEXT;

-- AlterTable
ALTER TABLE "incident_setting" ADD COLUMN     "history_from" TIMESTAMPTZ(3),
ADD COLUMN     "history_to" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "ingest_batch" ADD COLUMN     "detected_at" TIMESTAMPTZ(3);

-- Batches stored before this migration were evaluated live already: detection does not revisit them.
UPDATE "ingest_batch" SET "detected_at" = "created_at";

-- Detection's existing entries get the key it now writes (lib/incidents/reconcile.ts, entryKeyOf); of
-- two identical entries the older keeps the key, so the unique index below can be built.
UPDATE "incident_event" e SET "entry_key" = k."entry_key"
FROM (
  SELECT "organization_id", "id", "entry_key",
         row_number() OVER (PARTITION BY "organization_id", "incident_id", "at", "entry_key" ORDER BY "id") AS "n"
  FROM (
    SELECT "organization_id", "id", "incident_id", "at",
           "kind" || ':' || coalesce("data"->>'ip', "data"->>'domain', "data"->>'region', "data"->>'warning', '') AS "entry_key"
    FROM "incident_event" WHERE "actor" = 'system'
  ) keyed
) k
WHERE e."organization_id" = k."organization_id" AND e."id" = k."id" AND k."n" = 1;

-- CreateIndex
CREATE INDEX "delivery_event_organization_id_batch_id_occurred_at_idx" ON "delivery_event"("organization_id", "batch_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "incident_event_organization_id_incident_id_at_entry_key_key" ON "incident_event"("organization_id", "incident_id", "at", "entry_key");

-- CreateIndex
CREATE INDEX "ingest_batch_organization_id_detected_at_idx" ON "ingest_batch"("organization_id", "detected_at");
