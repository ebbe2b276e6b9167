import { Badge } from '@/components/ui/badge';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { AuthStatusDto } from '@/lib/auth-status/queries/get-auth-status';
import { CheckDetails } from './check-details';
import { formatRate, formatShare, formatUtc } from './format';
import { SignList } from './sign-list';

const reporterNames: Record<string, string> = { microsoft: 'Microsoft', google: 'Google', yahoo: 'Yahoo' };

/** One sending domain: its healthy/bad signs, DMARC pass rates by reporter, unknown sources and the latest DNS checks. */
export function DomainCard({ status }: { status: AuthStatusDto }) {
  const { dmarcReports: reports } = status;
  const { tally } = reports;
  return (
    <Card
      id={`domain-${status.domain.replace(/\W/g, '-')}`}
      title={status.domain}
      description={status.checkedAt ? `DNS checked ${formatUtc(status.checkedAt)}` : 'DNS not checked yet'}
      actions={
        <Badge tone={status.verdict.healthy ? 'success' : 'danger'} dot>
          {status.verdict.healthy ? 'No bad sign' : 'Bad signs'}
        </Badge>
      }
    >
      <div className="space-y-6">
        <SignList signs={status.verdict.signs} />

        <section aria-label={`DMARC reports for ${status.domain}`} className="space-y-3">
          <h3 className="text-sm font-semibold text-fg">DMARC reports by reporter</h3>
          {reports.byReporter.length === 0 ? (
            <p className="text-sm text-fg-muted">No DMARC aggregate report names this domain yet.</p>
          ) : (
            <>
              <p className="text-xs text-fg-muted">
                {tally.from && tally.to ? `Reports from ${tally.from.slice(0, 10)} to ${tally.to.slice(0, 10)}; ` : ''}
                pass rates over all sources, aligned SPF and DKIM counted as DMARC does.
              </p>
              <Table caption={`DMARC results by reporter for ${status.domain}`}>
                <TableHead>
                  <tr>
                    <TableHeaderCell>Reporter</TableHeaderCell>
                    <TableHeaderCell className="text-right">Reports</TableHeaderCell>
                    <TableHeaderCell className="text-right">Messages</TableHeaderCell>
                    <TableHeaderCell className="text-right">SPF aligned</TableHeaderCell>
                    <TableHeaderCell className="text-right">DKIM aligned</TableHeaderCell>
                    <TableHeaderCell className="text-right">DMARC pass</TableHeaderCell>
                    <TableHeaderCell>Policy applied</TableHeaderCell>
                  </tr>
                </TableHead>
                <TableBody>
                  {reports.byReporter.map((r) => (
                    <TableRow key={`${r.reporterKind}-${r.reporterOrg}`}>
                      <TableCell className="font-medium">
                        {r.reporterOrg}
                        {reporterNames[r.reporterKind] ? <span className="ml-1.5 text-xs text-fg-subtle">{reporterNames[r.reporterKind]}</span> : null}
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{r.reports}</TableCell>
                      <TableCell className="text-right tabular-nums">{r.messages}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatShare(r.spfAlignedPass, r.messages)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatShare(r.dkimAlignedPass, r.messages)}</TableCell>
                      <TableCell className={r.dmarcPassRate !== null && r.dmarcPassRate < 1 ? 'text-right font-medium text-warning-fg tabular-nums' : 'text-right tabular-nums'}>{formatRate(r.dmarcPassRate)}</TableCell>
                      <TableCell className="text-xs text-fg-muted">
                        {Object.entries(r.dispositions)
                          .map(([d, n]) => `${d} ${n}`)
                          .join(' · ')}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </>
          )}
        </section>

        {reports.unknownSources.length > 0 ? (
          <Callout tone="warning" title={`${reports.unknownSources.length} source IP(s) that are not ours send with ${status.domain} in From`}>
            <p className="mb-2">Possible spoofing, or a sender someone forgot (a CRM, a ticket system, an ESP). Authorise it in SPF and sign with DKIM if it is yours.</p>
            <ul className="space-y-1 font-mono text-xs" data-testid="unknown-sources">
              {reports.unknownSources.map((s) => (
                <li key={s.sourceIp}>
                  {s.sourceIp} — {s.messages} message(s), DMARC pass {formatRate(s.dmarcPassRate)}, reported by {s.reporters.join(', ')}
                </li>
              ))}
            </ul>
          </Callout>
        ) : null}

        <section aria-label={`DNS checks for ${status.domain}`} className="space-y-3">
          <h3 className="text-sm font-semibold text-fg">Latest DNS checks</h3>
          <div className="grid gap-3 lg:grid-cols-2">
            <CheckDetails label="SPF" check={status.spf} />
            <CheckDetails label="DMARC" check={status.dmarc} />
            <CheckDetails label="DKIM" check={status.dkim} />
            <CheckDetails label="MX" check={status.mx} />
            <CheckDetails label="Domain blocklists" check={status.blocklists} />
          </div>
        </section>
      </div>
    </Card>
  );
}
