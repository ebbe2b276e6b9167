import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Skeleton } from '@/components/ui/spinner';
import { listIncidentTranscripts, TRANSCRIPTS_PER_GROUP, type TranscriptDto, type TranscriptQuery } from '@/lib/incidents/queries/list-incident-transcripts';
import { formatUtc } from './incident-view';

const TITLE = 'Sample transcripts';
/** Replies shown open; the rest sit behind a disclosure. */
const SHOWN_FIRST = 4;
const DESCRIPTION = `The first ${TRANSCRIPTS_PER_GROUP} full replies per sending IP and provider region: what an escalation to the provider asks for.`;

function Detail({ term, value }: { term: string; value: string | null }) {
  if (value === null) return null;
  return (
    <div className="flex min-w-0 gap-1.5">
      <dt className="shrink-0 text-fg-subtle">{term}</dt>
      <dd className="min-w-0 truncate font-mono text-fg" title={value}>
        {value}
      </dd>
    </div>
  );
}

function TranscriptList({ transcripts }: { transcripts: TranscriptDto[] }) {
  return (
    <ul className="space-y-3">
      {transcripts.map((t, i) => (
        <li key={`${t.sendingIp}-${t.occurredAt}-${i}`} className="rounded-md border border-line bg-surface-sunken">
          <div className="flex flex-wrap items-center justify-between gap-2 border-b border-line px-3 py-1.5 text-xs text-fg-muted">
            <span>
              <time dateTime={t.occurredAt} className="font-medium text-fg">
                {formatUtc(t.occurredAt)}
              </time>
              {' · from '}
              <span className="font-mono text-fg">{t.sendingIp}</span>
              {t.region ? ` · region ${t.region}` : null}
              {t.recipientDomain ? ` · to ${t.recipientDomain}` : null}
            </span>
            <CopyButton value={t.reply} variant="ghost" label="Copy reply" />
          </div>
          <p className="px-3 py-2 font-mono text-[13px] leading-5 break-all text-fg">{t.reply}</p>
          <dl className="grid gap-x-4 gap-y-1 border-t border-line px-3 py-2 text-xs sm:grid-cols-2 lg:grid-cols-3">
            <Detail term="Provider host" value={t.providerHost} />
            <Detail term="Token" value={t.providerToken} />
            <Detail term="Correlation id" value={t.correlationId} />
            <Detail term="Enhanced code" value={t.enhancedCode} />
            <Detail term="MX" value={t.mxHost} />
            <Detail term="Queue id" value={t.queueId} />
          </dl>
        </li>
      ))}
    </ul>
  );
}

/** Full provider replies of the incident, with host, token and correlation id (server component). */
export async function IncidentTranscripts({ organizationId, query }: { organizationId: string; query: TranscriptQuery }) {
  const transcripts = await listIncidentTranscripts(organizationId, query);
  return (
    <Card id="transcripts" title={TITLE} description={DESCRIPTION}>
      {transcripts.length === 0 ? (
        <p className="text-sm text-fg-muted">No stored reply of this kind in the window (events may have been sent without the reply text).</p>
      ) : (
        <div className="space-y-3" data-testid="incident-transcripts">
          <TranscriptList transcripts={transcripts.slice(0, SHOWN_FIRST)} />
          {transcripts.length > SHOWN_FIRST ? (
            <details className="group">
              <summary className="cursor-pointer text-sm font-medium text-accent-fg hover:underline">{transcripts.length - SHOWN_FIRST} more replies</summary>
              <div className="mt-3">
                <TranscriptList transcripts={transcripts.slice(SHOWN_FIRST)} />
              </div>
            </details>
          ) : null}
        </div>
      )}
    </Card>
  );
}

export function IncidentTranscriptsSkeleton() {
  return (
    <Card title={TITLE} description={DESCRIPTION}>
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-16 w-full" />
        <Skeleton className="h-16 w-full" />
      </div>
    </Card>
  );
}
