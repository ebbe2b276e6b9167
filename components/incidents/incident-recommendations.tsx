import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { IconAlertTriangle, IconCheck } from '@/components/ui/icons';
import type { IncidentDto } from '@/lib/incidents/queries/incident-dto';

/** What to do now and what not to change, from the knowledge base and the verdict; retry warnings on top. */
export function IncidentRecommendations({ incident }: { incident: IncidentDto }) {
  const r = incident.recommendations;
  return (
    <Card id="recommendations" title="What to do" description={r.meaning ?? 'No knowledge-base rule explains this reply; the advice follows the scope verdict.'}>
      <div className="space-y-5">
        {r.warnings.length > 0 ? (
          <Callout tone="warning" title="Warnings">
            <ul className="list-disc space-y-1 pl-4" data-testid="incident-warnings">
              {r.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </Callout>
        ) : null}
        <div className="grid gap-6 md:grid-cols-2">
          <section aria-labelledby="do-title">
            <h3 id="do-title" className="mb-2 text-sm font-semibold text-fg">
              Do
            </h3>
            <ul className="space-y-2 text-sm" data-testid="recommend-do">
              {r.doNow.map((d) => (
                <li key={d} className="flex gap-2">
                  <IconCheck className="mt-0.5 size-4 shrink-0 text-success-fg" />
                  <span>{d}</span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="avoid-title">
            <h3 id="avoid-title" className="mb-2 text-sm font-semibold text-fg">
              Do not change
            </h3>
            {r.avoid.length === 0 ? (
              <p className="text-sm text-fg-muted">Nothing to hold back: the evidence points to our side, so fixing our configuration is the way out.</p>
            ) : (
              <ul className="space-y-2 text-sm" data-testid="recommend-avoid">
                {r.avoid.map((d) => (
                  <li key={d} className="flex gap-2">
                    <IconAlertTriangle className="mt-0.5 size-4 shrink-0 text-warning-fg" />
                    <span>{d}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
        {r.sources.length > 0 ? (
          <p className="text-xs text-fg-muted">
            Sources:{' '}
            {r.sources.map((s, i) => (
              <span key={s}>
                {i > 0 ? ', ' : null}
                {/^https?:\/\//.test(s) ? (
                  <a href={s} className="underline hover:text-fg" rel="noreferrer" target="_blank">
                    {new URL(s).hostname}
                  </a>
                ) : (
                  s
                )}
              </span>
            ))}
          </p>
        ) : null}
      </div>
    </Card>
  );
}
