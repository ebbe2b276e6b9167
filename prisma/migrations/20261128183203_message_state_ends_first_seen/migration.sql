-- DropIndex
DROP INDEX "message_state_organization_id_ends_at_idx";

-- CreateIndex
CREATE INDEX "message_state_organization_id_ends_at_first_seen_at_idx" ON "message_state"("organization_id", "ends_at", "first_seen_at");
