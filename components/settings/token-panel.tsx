import type { ApiTokenDto } from '@/lib/auth/tokens';
import { revokeTokenAction } from '@/app/actions/tokens';
import { Badge } from '@/components/ui/badge';
import { Callout } from '@/components/ui/callout';
import { EmptyState } from '@/components/ui/empty-state';
import { IconKey } from '@/components/ui/icons';
import { SubmitButton } from '@/components/ui/submit-button';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { TokenCreateForm } from './token-create-form';

export interface TokenPanelProps {
  tokens: ApiTokenDto[];
  /** Admins create and revoke; everyone else sees the list read-only. */
  canManage: boolean;
}

/** API token management: the create form (admins) and the organisation's tokens. */
export function TokenPanel({ tokens, canManage }: TokenPanelProps) {
  return (
    <div>
      <div className="border-b border-line px-5 py-4">
        {canManage ? (
          <TokenCreateForm />
        ) : (
          <Callout tone="info">Only administrators can create or revoke tokens. Ask one if a shipper or script needs access.</Callout>
        )}
      </div>
      {tokens.length === 0 ? (
        <EmptyState bare titleAs="h3" icon={<IconKey />} title="No API tokens yet">
          Tokens let log shippers send events with <code className="font-mono text-xs">POST /api/v1/events</code> (scope ingest) and let scripts read metrics and incidents (scope read).
          {canManage ? ' Create the first one above.' : null}
        </EmptyState>
      ) : (
        <TokenTable tokens={tokens} canManage={canManage} />
      )}
    </div>
  );
}

function TokenTable({ tokens, canManage }: TokenPanelProps) {
  return (
    <Table caption="API tokens of this organisation">
      <TableHead>
        <tr>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Scope</TableHeaderCell>
          <TableHeaderCell>Token</TableHeaderCell>
          <TableHeaderCell>Created</TableHeaderCell>
          <TableHeaderCell>Last used</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          {canManage ? (
            <TableHeaderCell>
              <span className="sr-only">Actions</span>
            </TableHeaderCell>
          ) : null}
        </tr>
      </TableHead>
      <TableBody>
        {tokens.map((token) => {
          const isRevoked = token.revokedAt !== null;
          return (
            <TableRow key={token.id}>
              <TableCell id={`token-${token.id}-name`} className={isRevoked ? 'font-medium text-fg-muted' : 'font-medium'}>
                {token.name}
              </TableCell>
              <TableCell>
                <Badge tone={token.scope === 'ingest' ? 'info' : 'accent'}>{token.scope}</Badge>
              </TableCell>
              <TableCell className="font-mono text-xs whitespace-nowrap text-fg-muted">{token.displayPrefix}…</TableCell>
              <TableCell className="whitespace-nowrap text-fg-muted">
                <UtcTime iso={token.createdAt} />
              </TableCell>
              <TableCell className="whitespace-nowrap text-fg-muted">{token.lastUsedAt ? <UtcTime iso={token.lastUsedAt} /> : 'never'}</TableCell>
              <TableCell>
                {isRevoked ? (
                  <span title={`Revoked ${formatUtc(token.revokedAt ?? '')}`}>
                    <Badge tone="neutral">Revoked</Badge>
                  </span>
                ) : (
                  <Badge tone="success" dot>
                    Active
                  </Badge>
                )}
              </TableCell>
              {canManage ? (
                <TableCell className="text-right">
                  {isRevoked ? null : (
                    <form action={revokeTokenAction}>
                      <input type="hidden" name="id" value={token.id} />
                      <SubmitButton variant="danger" size="sm" aria-describedby={`token-${token.id}-name`}>
                        Revoke
                      </SubmitButton>
                    </form>
                  )}
                </TableCell>
              ) : null}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** Times in UTC, as mail logs and provider replies give them: "2023-10-11 02:17 UTC". */
function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function UtcTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatUtc(iso)}
    </time>
  );
}
