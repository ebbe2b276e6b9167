import { Suspense } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/spinner';
import { formatBytes } from '@/components/uploads/units';
import { buildEscalationPackage } from '@/lib/escalation/build-package';
import { previewFiles, PREVIEW_LINES } from '@/lib/escalation/preview';
import { packageResolver } from '@/lib/escalation/request';

const TITLE = 'Escalation package';
const DESCRIPTION = 'What Microsoft support asks for, in one zip: summary (Markdown and PDF), transcripts, sending IPs with 30 days of volume, queue, retries, authentication, timeline, a prefilled support form and charts. Recipient local parts are masked.';

function DownloadLink({ incidentId }: { incidentId: string }) {
  return (
    <a href={`/api/v1/incidents/${encodeURIComponent(incidentId)}/package`} download className={buttonClasses({ variant: 'primary', size: 'sm' })} data-testid="package-download">
      Download escalation package
    </a>
  );
}

async function PackageFiles({ organizationId, incidentId }: { organizationId: string; incidentId: string }) {
  const pkg = await buildEscalationPackage(organizationId, incidentId, { resolver: packageResolver() });
  const files = previewFiles(pkg.files);
  return (
    <div className="space-y-2" data-testid="package-preview">
      <p className="text-xs text-fg-muted">
        {pkg.filename} · {formatBytes(pkg.zip.length)} · {files.length} files
      </p>
      <ul className="divide-y divide-line rounded-md border border-line">
        {files.map((f) => (
          <li key={f.name} data-testid="package-file">
            <details className="group">
              <summary className="flex cursor-pointer items-center justify-between gap-3 px-3 py-2 text-sm hover:bg-surface-muted">
                <span className="font-mono text-fg">{f.name}</span>
                <span className="shrink-0 text-xs text-fg-muted">
                  {formatBytes(f.bytes)}
                  {f.totalLines !== null ? ` · ${f.totalLines} lines` : ''}
                </span>
              </summary>
              {f.firstLines === null ? (
                <p className="border-t border-line px-3 py-2 text-xs text-fg-muted">Binary file ({f.contentType}): no preview; it is in the download.</p>
              ) : (
                <pre className="max-h-80 overflow-auto border-t border-line bg-surface-sunken px-3 py-2 font-mono text-xs leading-5 whitespace-pre text-fg">
                  {f.firstLines.join('\n')}
                  {f.totalLines !== null && f.totalLines > f.firstLines.length ? `\n… ${f.totalLines - f.firstLines.length} more lines` : ''}
                </pre>
              )}
            </details>
          </li>
        ))}
      </ul>
      <p className="text-xs text-fg-muted">The first {PREVIEW_LINES} lines of each text file, shown as text.</p>
    </div>
  );
}

/**
 * The escalation package of an incident: a download button and a preview of every file (name, size, first lines) in
 * accordions. Server component; the package is built inside its own Suspense boundary so the page does not wait for it.
 */
export function PackagePreview({ organizationId, incidentId }: { organizationId: string; incidentId: string }) {
  return (
    <Card id="escalation-package" title={TITLE} description={DESCRIPTION} actions={<DownloadLink incidentId={incidentId} />}>
      <Suspense
        fallback={
          <div className="space-y-2" aria-busy="true">
            <Skeleton className="h-4 w-48" />
            <Skeleton className="h-40 w-full" />
          </div>
        }
      >
        <PackageFiles organizationId={organizationId} incidentId={incidentId} />
      </Suspense>
    </Card>
  );
}
