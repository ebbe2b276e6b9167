import { Badge } from '@/components/ui/badge';
import type { AuthCheckDto } from '@/lib/auth-status/queries/list-latest-checks';
import { checkTone, formatUtc, problemsOf } from './format';

/** One stored DNS check: status, summary, the problems it explains and the full result as evidence. */
export function CheckDetails({ label, check }: { label: string; check: AuthCheckDto | null }) {
  if (!check) {
    return (
      <div className="rounded-md border border-line px-3 py-2.5 text-sm">
        <span className="font-medium text-fg">{label}</span> <span className="text-fg-subtle">not checked yet</span>
      </div>
    );
  }
  const problems = problemsOf(check.evidence);
  return (
    <div className="space-y-1.5 rounded-md border border-line px-3 py-2.5 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="font-medium text-fg">{label}</span>
        <Badge tone={checkTone[check.status]}>{check.status}</Badge>
      </div>
      <p className="break-words text-fg-muted">{check.summary}</p>
      {problems.length > 0 ? (
        <ul className="list-disc space-y-0.5 pl-4 text-xs text-fg-muted">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <details className="text-xs">
        <summary className="cursor-pointer text-fg-subtle">Evidence, checked {formatUtc(check.checkedAt)}</summary>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-surface-sunken p-2 font-mono text-[11px] leading-4 text-fg">{JSON.stringify(check.evidence, null, 2)}</pre>
      </details>
    </div>
  );
}
