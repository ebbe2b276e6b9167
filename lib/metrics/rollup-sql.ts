/**
 * The rollup statements, shared by the ingest transaction (folding the rows just inserted) and the
 * rebuild command (folding every stored event): both must count exactly alike. `source` is the name
 * of a trusted relation in the statement (a CTE or a table), never input.
 */
type Source = 'ins' | 'delivery_event';

export function metricMinuteUpsert(source: Source, orgParam: string): string {
  const where = source === 'delivery_event' ? `WHERE organization_id = ${orgParam}::uuid` : '';
  return `INSERT INTO metric_minute AS m (organization_id, bucket, provider, sending_ip, recipient_domain, category,
                                   attempts, delivered, deferred, bounced, expired, deferred_per_recipient)
   SELECT ${orgParam}::uuid, date_trunc('minute', occurred_at), provider, coalesce(sending_ip, ''), coalesce(recipient_domain, ''), category,
          count(*), count(*) FILTER (WHERE outcome = 'delivered'), count(*) FILTER (WHERE outcome = 'deferred'),
          count(*) FILTER (WHERE outcome = 'bounced'), count(*) FILTER (WHERE outcome = 'expired'),
          count(*) FILTER (WHERE outcome = 'deferred' AND is_per_recipient)
   FROM ${source} ${where}
   GROUP BY 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6
   ON CONFLICT (organization_id, bucket, provider, sending_ip, recipient_domain, category) DO UPDATE SET
     attempts = m.attempts + EXCLUDED.attempts, delivered = m.delivered + EXCLUDED.delivered,
     deferred = m.deferred + EXCLUDED.deferred, bounced = m.bounced + EXCLUDED.bounced,
     expired = m.expired + EXCLUDED.expired, deferred_per_recipient = m.deferred_per_recipient + EXCLUDED.deferred_per_recipient`;
}

export function signatureMinuteUpsert(source: Source, orgParam: string): string {
  const where = source === 'delivery_event' ? `AND organization_id = ${orgParam}::uuid` : '';
  return `INSERT INTO signature_minute AS s (organization_id, bucket, provider, signature, outcome, kb_rule, count, sample_reply)
   SELECT ${orgParam}::uuid, date_trunc('minute', occurred_at), provider, signature, outcome, min(kb_rule), count(*), min(reply)
   FROM ${source} WHERE signature IS NOT NULL AND outcome <> 'delivered' ${where}
   GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5
   ON CONFLICT (organization_id, bucket, provider, signature, outcome) DO UPDATE SET
     count = s.count + EXCLUDED.count, kb_rule = coalesce(s.kb_rule, EXCLUDED.kb_rule),
     sample_reply = least(s.sample_reply, EXCLUDED.sample_reply)`;
}
