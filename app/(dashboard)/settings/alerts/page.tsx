import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, type Tone } from '@/components/ui/badge';
import { ButtonLink } from '@/components/ui/button';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { IconSiren } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { SubmitButton } from '@/components/ui/submit-button';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER } from '@/lib/alerts/payload';
import { listAlertAttempts } from '@/lib/alerts/queries/list-alert-attempts';
import { listAlertEndpoints, type AlertEndpointDto } from '@/lib/alerts/queries/list-alert-endpoints';
import { roleAllows } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';
import { deleteAlertEndpointAction } from './actions';
import { EndpointForm } from './endpoint-form';

export const metadata: Metadata = { title: 'Alerts' };
export const dynamic = 'force-dynamic';

/** Attempts shown in the delivery log. */
const LOG_LIMIT = 50;

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

/** A webhook URL is a credential (Slack's carries its token): show the host and the start of the path only. */
function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname.length > 12 ? `${u.origin}${u.pathname.slice(0, 12)}…` : `${u.origin}${u.pathname}`;
  } catch {
    return url.slice(0, 24);
  }
}

const statusTone: Record<string, Tone> = { delivered: 'success', pending: 'warning', failed: 'danger' };

const verifyExample = `// Node.js: check an alert before trusting it
import { createHmac, timingSafeEqual } from 'node:crypto';
const expected = 'sha256=' + createHmac('sha256', SECRET).update(rawBody).digest('hex');
const ok = expected.length === header.length && timingSafeEqual(Buffer.from(expected), Buffer.from(header));`;

export default async function AlertSettingsPage() {
  const { org } = await requirePageContext();
  const isAdmin = roleAllows(org.role, 'admin');
  const header = (
    <PageHeader
      title="Alerts"
      description="Webhooks called when an incident opens or reopens, changes escalation level, recovers or is resolved."
      actions={
        <ButtonLink href="/settings" size="sm" variant="ghost">
          All settings
        </ButtonLink>
      }
    />
  );
  if (!isAdmin) {
    return (
      <>
        {header}
        <Callout tone="info" title="Administrators only">
          Webhook URLs and signing secrets are credentials, so only administrators see and manage alert endpoints. Your role is {org.role}.
        </Callout>
      </>
    );
  }
  const [endpoints, attempts] = await Promise.all([listAlertEndpoints(org.organizationId), listAlertAttempts(org.organizationId, LOG_LIMIT)]);
  return (
    <>
      {header}
      <div className="space-y-6">
        <Card id="endpoints" title="Endpoints" description="Every alert goes to every endpoint. Failed deliveries are retried with growing pauses (30 s, 1 min, 2 min … up to 1 h) for about two hours." flush>
          {endpoints.length === 0 ? (
            <EmptyState bare titleAs="h3" icon={<IconSiren />} title="No alert endpoints yet">
              Add a Slack incoming webhook or any HTTPS endpoint below; incidents of {org.name} will be posted there.
            </EmptyState>
          ) : (
            <EndpointTable endpoints={endpoints} />
          )}
        </Card>
        <Card id="add-endpoint" title="Add an endpoint">
          <EndpointForm />
        </Card>
        <Card id="delivery-log" title="Delivery log" description={`The last ${LOG_LIMIT} attempts, newest first.`} flush>
          {attempts.length === 0 ? (
            <p className="px-5 py-4 text-sm text-fg-muted">No delivery attempt yet.</p>
          ) : (
            <Table caption="Delivery log">
              <TableHead>
                <tr>
                  <TableHeaderCell>When</TableHeaderCell>
                  <TableHeaderCell>Endpoint</TableHeaderCell>
                  <TableHeaderCell>Event</TableHeaderCell>
                  <TableHeaderCell>Answer</TableHeaderCell>
                  <TableHeaderCell className="text-right">Time</TableHeaderCell>
                  <TableHeaderCell>Alert</TableHeaderCell>
                </tr>
              </TableHead>
              <TableBody data-testid="alert-log">
                {attempts.map((a) => (
                  <TableRow key={a.id}>
                    <TableCell className="whitespace-nowrap text-fg-muted">
                      <time dateTime={a.attemptedAt}>{utc(a.attemptedAt)}</time>
                    </TableCell>
                    <TableCell className="max-w-48 truncate">{a.endpointName}</TableCell>
                    <TableCell className="whitespace-nowrap">
                      <Link href={`/incidents/${a.incidentId}`} className="font-mono text-xs hover:underline">
                        {a.event}
                      </Link>
                    </TableCell>
                    <TableCell className="max-w-64 truncate" title={a.error ?? undefined}>
                      {a.statusCode === null ? <span className="text-danger-fg">{a.error ?? 'no answer'}</span> : <Badge tone={a.statusCode < 300 ? 'success' : 'danger'}>HTTP {a.statusCode}</Badge>}
                    </TableCell>
                    <TableCell className="text-right text-fg-muted tabular-nums">{a.durationMs} ms</TableCell>
                    <TableCell className="whitespace-nowrap">
                      <Badge tone={statusTone[a.alertStatus] ?? 'neutral'}>{a.alertStatus}</Badge>
                      <span className="ml-2 text-xs text-fg-muted">
                        {a.alertAttempts} attempt{a.alertAttempts === 1 ? '' : 's'}
                      </span>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
        <Card id="verify" title="Verifying alerts" description="What each request carries, for endpoints other than Slack.">
          <div className="space-y-3 text-sm text-fg-muted">
            <p>
              <code className="font-mono text-xs text-fg">{SIGNATURE_HEADER}: sha256=&lt;hex&gt;</code> is the HMAC-SHA256 of the raw body with the endpoint&apos;s secret.{' '}
              <code className="font-mono text-xs text-fg">{IDEMPOTENCY_HEADER}</code> is the same for every retry of one alert: drop a key you have already processed.
            </p>
            <CodeBlock caption="Verify the signature" code={verifyExample} />
          </div>
        </Card>
      </div>
    </>
  );
}

function EndpointTable({ endpoints }: { endpoints: AlertEndpointDto[] }) {
  return (
    <Table caption="Alert endpoints">
      <TableHead>
        <tr>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Format</TableHeaderCell>
          <TableHeaderCell>URL</TableHeaderCell>
          <TableHeaderCell>Added</TableHeaderCell>
          <TableHeaderCell className="text-right">Delivered</TableHeaderCell>
          <TableHeaderCell className="text-right">Pending</TableHeaderCell>
          <TableHeaderCell className="text-right">Failed</TableHeaderCell>
          <TableHeaderCell>
            <span className="sr-only">Actions</span>
          </TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {endpoints.map((e) => (
          <TableRow key={e.id}>
            <TableCell className="font-medium">{e.name}</TableCell>
            <TableCell>
              <Badge tone={e.kind === 'slack' ? 'accent' : 'info'}>{e.kind}</Badge>
            </TableCell>
            <TableCell className="font-mono text-xs whitespace-nowrap text-fg-muted">{maskUrl(e.url)}</TableCell>
            <TableCell className="whitespace-nowrap text-fg-muted">
              {e.createdBy} · <time dateTime={e.createdAt}>{utc(e.createdAt).slice(0, 16)} UTC</time>
            </TableCell>
            <TableCell className="text-right tabular-nums">{e.delivered}</TableCell>
            <TableCell className="text-right tabular-nums">{e.pending}</TableCell>
            <TableCell className={e.failed > 0 ? 'text-right font-medium text-danger-fg tabular-nums' : 'text-right tabular-nums'}>{e.failed}</TableCell>
            <TableCell className="text-right">
              <form action={deleteAlertEndpointAction}>
                <input type="hidden" name="id" value={e.id} />
                <SubmitButton variant="danger" size="sm" aria-label={`Remove ${e.name}`}>
                  Remove
                </SubmitButton>
              </form>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
