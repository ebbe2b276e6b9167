import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { getReputation } from '@/lib/auth-status/queries/get-reputation';
import { formatUtc } from './format';
import { SignList } from './sign-list';

/** The Reputation panel of one sending IP: reverse DNS, blocklists and DMARC results, with evidence (server component). */
export async function IpReputationPanel({ organizationId, ip }: { organizationId: string; ip: string }) {
  const r = await getReputation(organizationId, ip);
  const isUnchecked = r.checkedAt === null;
  return (
    <Card
      id="reputation"
      title="Reputation"
      description={
        isUnchecked ? (
          <>
            Not checked yet: run the checks on the{' '}
            <Link href="/authentication" className="font-medium text-accent-fg hover:underline">
              Authentication page
            </Link>
            .
          </>
        ) : (
          `Reverse DNS, blocklists and DMARC results of this IP; DNS checked ${formatUtc(r.checkedAt ?? '')}.`
        )
      }
      actions={
        <Badge tone={isUnchecked ? 'neutral' : r.verdict.healthy ? 'success' : 'danger'} dot>
          {isUnchecked ? 'not checked yet' : r.verdict.healthy ? 'no bad sign' : 'bad signs'}
        </Badge>
      }
    >
      <SignList signs={r.verdict.signs} />
    </Card>
  );
}
