-- Exim events: the dedupe key no longer depends on the Message-ID of the message's `<=` line (nor the enhanced code,
-- which the reply holds), so a delivery line gets the same key whether or not its arrival line came in the same
-- batch (lib/ingest/enrich.ts, dedupeKey): the first 16 bytes of sha256 over source, host, queue id, recipient, time
-- in milliseconds, outcome, reply and host address, joined by NUL bytes. Every part is a stored column, so stored
-- keys are rewritten here. Where one delivery line was stored twice under the old key (once with its Message-ID,
-- once without), the row with the most context takes the new key; the others keep their old key, as the rollups
-- counted them.
WITH rekeyed AS (
  SELECT organization_id, id, message_id, sender, size_bytes,
         substring(sha256(
           convert_to(source, 'UTF8') || '\x00'::bytea ||
           convert_to(coalesce(source_host, ''), 'UTF8') || '\x00'::bytea ||
           convert_to(coalesce(queue_id, ''), 'UTF8') || '\x00'::bytea ||
           convert_to(coalesce(recipient, ''), 'UTF8') || '\x00'::bytea ||
           convert_to((extract(epoch FROM occurred_at) * 1000)::bigint::text, 'UTF8') || '\x00'::bytea ||
           convert_to(outcome::text, 'UTF8') || '\x00'::bytea ||
           convert_to(coalesce(reply, ''), 'UTF8') || '\x00'::bytea ||
           convert_to(coalesce(mx_ip, ''), 'UTF8')
         ) FROM 1 FOR 16) AS new_key
  FROM "delivery_event"
  WHERE source = 'exim'
), ranked AS (
  SELECT organization_id, id, new_key,
         row_number() OVER (PARTITION BY organization_id, new_key ORDER BY message_id IS NULL, sender IS NULL, size_bytes IS NULL, id) AS rank
  FROM rekeyed
)
UPDATE "delivery_event" e SET dedupe_key = r.new_key
FROM ranked r
WHERE e.organization_id = r.organization_id AND e.id = r.id AND r.rank = 1 AND e.dedupe_key <> r.new_key;
