import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { ButtonLink } from '@/components/ui/button';
import { CodeBlock } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { IconActivity, IconKey, IconUpload } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Overview' };
export const dynamic = 'force-dynamic';

/** The address this instance is reached at, for copy-paste examples. */
async function siteOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const proto = h.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${proto}://${host}`;
}

export default async function OverviewPage() {
  const { org } = await requirePageContext();
  const curl = [
    `curl -X POST "${await siteOrigin()}/api/v1/events?format=auto" \\`,
    `  -H "Authorization: Bearer $DEFERRAL_DESK_TOKEN" \\`,
    `  --data-binary @/var/log/mail.log`,
  ].join('\n');
  return (
    <>
      <PageHeader title="Overview" description={`Delivery health of ${org.name} across mailbox providers and sending IPs.`} />
      <EmptyState
        icon={<IconActivity />}
        title="No delivery events yet"
        details={<CodeBlock caption="Send a log file with an ingest token" code={curl} />}
        action={
          <>
            <ButtonLink href="/uploads" variant="primary" icon={<IconUpload className="size-4" />}>
              Upload logs
            </ButtonLink>
            <ButtonLink href="/settings#api-tokens" icon={<IconKey className="size-4" />}>
              Create an ingest token
            </ButtonLink>
          </>
        }
      >
        Upload MTA logs (Postfix, Exim, PowerMTA, KumoMTA) or ESP event exports on the Uploads page, or send them from your servers with an ingest token. Deferral rates, queue depth and incidents appear here as soon as events arrive.
      </EmptyState>
    </>
  );
}
