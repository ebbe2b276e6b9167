import Link from 'next/link';
import { Badge, type Tone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/spinner';
import { getAuthSummary, type AuthSummaryItem } from '@/lib/auth-status/queries/get-auth-summary';
import type { AuthSign } from '@/lib/auth-status/signs';

const tone: Record<AuthSign['status'], Tone> = { good: 'success', bad: 'danger', unknown: 'neutral' };

function signWord(s: AuthSign): string {
  if (s.status === 'unknown') return 'unknown';
  if (s.label === 'Blocklists') return s.status === 'good' ? 'not listed' : 'listed';
  return s.status === 'good' ? 'pass' : 'fail';
}

function IdentityRow({ item, kind }: { item: AuthSummaryItem; kind: 'domain' | 'ip' }) {
  const href = kind === 'ip' ? `/ips/${encodeURIComponent(item.target)}` : `/authentication#domain-${item.target.replace(/\W/g, '-')}`;
  const bad = item.signs.filter((s) => s.status === 'bad');
  const isUnchecked = item.signs.every((s) => s.status === 'unknown');
  return (
    <li className="py-3 first:pt-0 last:pb-0" data-testid={`identity-${item.target}`}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <Link href={href} className="min-w-36 font-mono text-sm font-medium text-fg hover:underline">
          {item.target}
        </Link>
        <Badge tone={isUnchecked ? 'neutral' : item.healthy ? 'success' : 'danger'} dot>
          {isUnchecked ? 'not checked yet' : item.healthy ? 'healthy' : 'bad signs'}
        </Badge>
        <ul className="flex flex-wrap gap-1.5" aria-label={`Signs of ${item.target}`}>
          {item.signs.map((s) => (
            <li key={s.label} title={s.evidence.join('\n')}>
              <Badge tone={tone[s.status]}>
                {s.label}: {signWord(s)}
              </Badge>
            </li>
          ))}
        </ul>
      </div>
      {bad.length > 0 ? (
        <ul className="mt-2 space-y-1 text-xs text-danger-fg">
          {bad.flatMap((s) => s.evidence.map((e) => <li key={`${s.label}-${e}`}>{`${s.label}: ${e}`}</li>))}
        </ul>
      ) : null}
    </li>
  );
}

/**
 * The Authentication and Reputation signs of our sending domains and the incident's IPs, as of now — the
 * facts the verdict weighs for a live incident (server component).
 */
export async function IncidentIdentity({ organizationId, affectedIps }: { organizationId: string; affectedIps: string[] }) {
  const summary = await getAuthSummary(organizationId, { ips: affectedIps });
  const empty = summary.domains.length === 0 && summary.ips.every((i) => i.signs.every((s) => s.status === 'unknown'));
  return (
    <Card
      id="identity"
      title="Sending identity"
      description="SPF, DKIM, DMARC of our sending domains and reverse DNS and blocklists of the incident's IPs, from the latest DNS checks and DMARC reports. A bad sign is ours to fix; all healthy points at the provider."
      actions={
        <Badge tone={empty ? 'neutral' : summary.healthy ? 'success' : 'danger'} dot>
          {empty ? 'not checked yet' : summary.healthy ? 'healthy' : 'bad signs'}
        </Badge>
      }
    >
      {empty ? (
        <p className="text-sm text-fg-muted">
          No DNS check or DMARC report yet. Add the sending domain and run the checks on the{' '}
          <Link href="/authentication" className="font-medium text-accent-fg hover:underline">
            Authentication page
          </Link>
          .
        </p>
      ) : (
        <ul className="divide-y divide-line">
          {summary.domains.map((d) => (
            <IdentityRow key={d.target} item={d} kind="domain" />
          ))}
          {summary.ips.map((i) => (
            <IdentityRow key={i.target} item={i} kind="ip" />
          ))}
        </ul>
      )}
    </Card>
  );
}

export function IncidentIdentitySkeleton() {
  return (
    <Card title="Sending identity">
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-5 w-full" />
        <Skeleton className="h-5 w-3/5" />
      </div>
    </Card>
  );
}
