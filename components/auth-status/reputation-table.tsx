import { Badge, type Tone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { BlocklistResult } from '@/lib/auth-status/dns/dnsbl';
import type { ReputationDto } from '@/lib/auth-status/queries/get-reputation';
import { checkTone, formatRate } from './format';

// A refusal ("query refused / rate limited") is the list declining to answer, not a listing: shown apart, never red.
const blocklistBadge: Record<BlocklistResult['status'], { tone: Tone; text: string }> = {
  listed: { tone: 'danger', text: 'listed' },
  'not-listed': { tone: 'success', text: 'not listed' },
  refused: { tone: 'info', text: 'refused / rate-limited' },
  error: { tone: 'neutral', text: 'lookup failed' },
};

/** The Reputation panel: a row per sending IP with PTR / FCrDNS and each blocklist's answer. */
export function ReputationTable({ rows }: { rows: ReputationDto[] }) {
  return (
    <Card id="reputation" title="Reputation" description="Reverse DNS with forward confirmation and blocklist status of every sending IP." flush>
      <Table caption="Reputation of sending IPs">
        <TableHead>
          <tr>
            <TableHeaderCell>IP</TableHeaderCell>
            <TableHeaderCell>PTR / FCrDNS</TableHeaderCell>
            <TableHeaderCell>Blocklists</TableHeaderCell>
            <TableHeaderCell className="text-right">DMARC pass</TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.ip} data-testid={`reputation-${r.ip}`}>
              <TableCell className="align-top font-mono text-xs">
                {r.ip}
                {r.isOurs === false ? <span className="ml-1.5 font-sans text-fg-subtle">(not seen in our logs)</span> : null}
              </TableCell>
              <TableCell className="align-top">
                {r.ptr ? (
                  <div className="space-y-1 py-2">
                    <Badge tone={checkTone[r.ptr.status]}>{r.ptr.status === 'good' ? 'confirmed' : r.ptr.status}</Badge>
                    <p className="text-xs break-words text-fg-muted">{r.ptr.summary}</p>
                  </div>
                ) : (
                  <span className="text-xs text-fg-subtle">not checked yet</span>
                )}
              </TableCell>
              <TableCell className="align-top">
                {r.blocklists.length === 0 ? (
                  <span className="text-xs text-fg-subtle">not checked yet</span>
                ) : (
                  <ul className="space-y-1 py-2">
                    {r.blocklists.map((b) => (
                      <li key={b.zone} className="flex flex-wrap items-center gap-2 text-xs">
                        <span className="w-32 shrink-0 text-fg">{b.list}</span>
                        <Badge tone={blocklistBadge[b.status].tone}>{blocklistBadge[b.status].text}</Badge>
                        {b.status !== 'not-listed' ? <span className="text-fg-muted">{b.reason ?? b.meaning}</span> : null}
                      </li>
                    ))}
                  </ul>
                )}
              </TableCell>
              <TableCell className="text-right align-top tabular-nums">
                {r.dmarcVolume.tally.messages > 0 ? `${formatRate(r.dmarcVolume.tally.dmarcPass / r.dmarcVolume.tally.messages)} of ${r.dmarcVolume.tally.messages}` : '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
