import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { getTopSignatures } from '@/lib/metrics/queries/get-top-signatures';
import { formatCount, formatPercent } from './format';
import { hrefWith, rangeParams, type SearchParams, type TimeRange } from './time-range';

/** The most frequent deferral and bounce replies, masked into signatures, with what the knowledge base says of each. */
export async function SignaturesPanel({ organizationId, range, params, provider, ip }: { organizationId: string; range: TimeRange; params: SearchParams; provider?: string; ip?: string }) {
  const dto = await getTopSignatures(organizationId, { provider, ip, from: range.from, to: range.to, limit: 8 });
  return (
    <Card title="Top replies" description="Deferrals, bounces and expiries grouped by reply signature (IPs, times and ids masked), with the knowledge-base reading.">
      {dto.signatures.length === 0 ? (
        <EmptyState bare titleAs="h3" title="No failed attempts in this range">
          Every attempt in the range was delivered.
        </EmptyState>
      ) : (
        <ol className="-my-1 divide-y divide-line" data-testid="top-signatures">
          {dto.signatures.map((s) => (
            <li key={s.signature} className="space-y-2 py-3">
              <div className="flex flex-wrap items-center gap-2 text-xs">
                <span className="font-semibold text-fg tabular-nums">{formatCount(s.count)}×</span>
                <span className="text-fg-muted">{formatPercent(s.share)} of failures</span>
                {s.deferred > 0 ? <Badge tone="warning">{formatCount(s.deferred)} deferred</Badge> : null}
                {s.bounced > 0 ? <Badge tone="danger">{formatCount(s.bounced)} bounced</Badge> : null}
                {s.expired > 0 ? <Badge tone="info">{formatCount(s.expired)} expired</Badge> : null}
                {s.kb ? <Badge tone="accent">{s.kb.category}</Badge> : null}
                <Link href={hrefWith('/events', rangeParams(params), { provider: provider ?? null, ip: ip ?? null, signature: s.signature })} className="ml-auto text-accent-fg hover:underline">
                  Events
                </Link>
              </div>
              <p className="font-mono text-xs break-words whitespace-pre-wrap text-fg">{s.sampleReply ?? s.signature}</p>
              {s.kb ? (
                <div className="rounded-md bg-surface-muted px-3 py-2 text-xs">
                  <p className="text-fg">
                    <span className="font-mono text-fg-muted">{s.kbRule}</span> · scope {s.kb.scope}
                    {s.kb.temporary === true ? ' · temporary' : s.kb.temporary === false ? ' · permanent' : ''}
                  </p>
                  <p className="mt-1 text-fg-muted">{s.kb.meaning}</p>
                  <p className="mt-1 text-fg">
                    <span className="font-medium">Do:</span> {s.kb.action}
                  </p>
                  {s.kb.avoid ? (
                    <p className="mt-1 text-fg">
                      <span className="font-medium">Avoid:</span> {s.kb.avoid}
                    </p>
                  ) : null}
                </div>
              ) : (
                <p className="text-xs text-fg-subtle">No knowledge-base rule matches this reply yet.</p>
              )}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
