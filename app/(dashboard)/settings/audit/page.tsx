import type { Metadata } from 'next';
import { Badge, type Tone } from '@/components/ui/badge';
import { ButtonLink } from '@/components/ui/button';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { listAuditEntries } from '@/lib/audit/queries/list-audit-entries';
import { roleAllows } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

/** Entries shown, newest first. */
const LIMIT = 200;

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

const actionTone: Record<string, Tone> = { 'sign-in.failed': 'warning', 'token.revoked': 'danger', 'token.created': 'accent', 'member.role-changed': 'info', 'settings.detection-changed': 'info' };

/** Details as one line of `key: value` pairs; rendered as text, so hostile values stay text. */
function detailsText(details: unknown): string {
  if (details === null || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

export default async function AuditLogPage() {
  const { org } = await requirePageContext();
  const header = (
    <PageHeader
      title="Audit log"
      description="Security-relevant actions in this organisation: sign-ins, API tokens, roles, resolved incidents and exported packages."
      actions={
        <ButtonLink href="/settings" size="sm" variant="ghost">
          All settings
        </ButtonLink>
      }
    />
  );
  if (!roleAllows(org.role, 'admin')) {
    return (
      <>
        {header}
        <Callout tone="info" title="Administrators only">
          The audit log shows who signed in from where and who holds which tokens, so only administrators see it. Your role is {org.role}.
        </Callout>
      </>
    );
  }
  const entries = await listAuditEntries(org.organizationId, { limit: LIMIT });
  return (
    <>
      {header}
      <Card id="audit-log" title="Entries" description={`The last ${LIMIT} entries, newest first.`} flush>
        {entries.length === 0 ? (
          <p className="px-5 py-4 text-sm text-fg-muted">Nothing recorded yet.</p>
        ) : (
          <Table caption="Audit log">
            <TableHead>
              <tr>
                <TableHeaderCell>When</TableHeaderCell>
                <TableHeaderCell>Who</TableHeaderCell>
                <TableHeaderCell>Action</TableHeaderCell>
                <TableHeaderCell>Target</TableHeaderCell>
                <TableHeaderCell>Details</TableHeaderCell>
                <TableHeaderCell>Address</TableHeaderCell>
              </tr>
            </TableHead>
            <TableBody data-testid="audit-log">
              {entries.map((e) => (
                <TableRow key={e.id}>
                  <TableCell className="whitespace-nowrap text-fg-muted">
                    <time dateTime={e.occurredAt}>{utc(e.occurredAt)}</time>
                  </TableCell>
                  <TableCell className="max-w-56 truncate">{e.actorLabel}</TableCell>
                  <TableCell className="whitespace-nowrap">
                    <Badge tone={actionTone[e.action] ?? 'neutral'}>{e.action}</Badge>
                  </TableCell>
                  <TableCell className="max-w-56 truncate">{e.target ?? ''}</TableCell>
                  <TableCell className="max-w-80 truncate text-xs text-fg-muted">{detailsText(e.details)}</TableCell>
                  <TableCell className="whitespace-nowrap font-mono text-xs text-fg-muted">{e.ip ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </>
  );
}
