import type { ReactNode } from 'react';
import { Badge, type Tone } from '@/components/ui/badge';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import type { Category, ReplyAnalysis } from '@/lib/smtp/types';

/** Colours follow globals.css: warning = deferred / slowed, danger = blocked, info = neutral facts. */
const categoryTone: Record<Category, Tone> = {
  throttling: 'warning',
  reputation: 'danger',
  blocklist: 'danger',
  authentication: 'accent',
  policy: 'accent',
  recipient: 'neutral',
  infrastructure: 'info',
  unknown: 'neutral',
};

const identityText = { ip: 'sending IP', netblock: 'IP netblock', 'dkim-domain': 'DKIM domain', 'spf-domain': 'SPF domain' } as const;

function Fact({ term, children, mono = false }: { term: string; children: ReactNode; mono?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-fg-subtle">{term}</dt>
      <dd className={mono ? 'mt-1 font-mono text-[13px] wrap-anywhere text-fg' : 'mt-1 text-fg'}>{children}</dd>
    </div>
  );
}

function sourceLabel(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 1 ? u.pathname : '';
    return `${u.hostname}${path}`;
  } catch {
    return url;
  }
}

function Advice({ title, children, tone }: { title: string; children: ReactNode; tone: string }) {
  return (
    <div className="space-y-1">
      <h3 className={`text-xs font-semibold tracking-wide uppercase ${tone}`}>{title}</h3>
      <p className="text-sm leading-6 text-pretty text-fg">{children}</p>
    </div>
  );
}

/** What the knowledge base makes of one reply: category, advice, the understood fields and sources. */
export function ReplyExplanation({ analysis: a, kbVersion }: { analysis: ReplyAnalysis; kbVersion: string }) {
  const temporaryText = a.temporary === true ? 'temporary (retry)' : a.temporary === false ? 'permanent (do not retry)' : null;
  return (
    <Card
      title="Explanation"
      titleAs="h2"
      actions={
        <div className="flex flex-wrap items-center gap-1.5">
          <Badge tone={categoryTone[a.category]} dot>
            <span data-testid="reply-category">{a.category}</span>
          </Badge>
          {a.scope ? <Badge tone="neutral">scope: {a.scope}</Badge> : null}
          {temporaryText ? <Badge tone={a.temporary ? 'info' : 'danger'}>{temporaryText}</Badge> : null}
        </div>
      }
    >
      <div className="space-y-6">
        {a.kbRule ? (
          <div className="space-y-4">
            <p className="text-xs text-fg-subtle">
              Knowledge-base rule <code className="rounded bg-surface-muted px-1.5 py-0.5 font-mono text-[12px] text-fg">{a.kbRule}</code>
              {a.isPerRecipientTemporary ? ' · a per-recipient temporary failure, left out of deferral rates' : null}
            </p>
            {a.meaning ? <Advice title="What it means" tone="text-fg-muted">{a.meaning}</Advice> : null}
            {a.action ? <Advice title="What to do" tone="text-success-fg">{a.action}</Advice> : null}
            {a.avoid ? <Advice title="What not to do" tone="text-danger-fg">{a.avoid}</Advice> : null}
          </div>
        ) : (
          <Callout tone="warning" title="No knowledge-base rule matches this reply">
            The fields below are read from the text itself. Check the provider&apos;s documentation for the exact wording, and quote the codes and identifiers when you ask them.
          </Callout>
        )}

        <section aria-labelledby="reply-fields-title" className="space-y-3">
          <h3 id="reply-fields-title" className="text-sm font-semibold text-fg">
            Understood from the reply
          </h3>
          <dl data-testid="reply-fields" className="grid grid-cols-1 gap-x-6 gap-y-4 rounded-md border border-line bg-surface-sunken p-4 sm:grid-cols-2">
            <Fact term="SMTP code" mono>{a.smtpCode ?? '—'}</Fact>
            <Fact term="Enhanced code" mono>{a.enhancedCode ?? '—'}</Fact>
            <Fact term="Provider">{a.provider}</Fact>
            {a.providerToken ? <Fact term="Provider token" mono>{a.providerToken}</Fact> : null}
            {a.sendingIp ? <Fact term="Sending IP" mono>{a.sendingIp}</Fact> : null}
            {a.limitedIdentity ? <Fact term="Rate-limited identity">{identityText[a.limitedIdentity]}</Fact> : null}
            {a.providerRegion ? <Fact term="Region" mono>{a.providerRegion}</Fact> : null}
            {a.correlationId ? <Fact term="Correlation id" mono>{a.correlationId}</Fact> : null}
            {a.providerTimestamp ? <Fact term="Provider time" mono>{a.providerTimestamp}</Fact> : null}
            {a.providerHost ? (
              <div className="sm:col-span-2">
                <Fact term="Front-end host" mono>{a.providerHost}</Fact>
              </div>
            ) : null}
            <div className="sm:col-span-2">
              <Fact term="Signature (variable parts masked)" mono>{a.signature || '—'}</Fact>
            </div>
          </dl>
        </section>

        {a.sources.length > 0 ? (
          <section aria-labelledby="reply-sources-title" className="space-y-2">
            <h3 id="reply-sources-title" className="text-sm font-semibold text-fg">
              Sources
            </h3>
            <ul className="space-y-1.5">
              {a.sources.map((url) => (
                <li key={url} className="min-w-0">
                  <a href={url} target="_blank" rel="noreferrer" className="text-sm break-all text-accent-fg underline-offset-2 hover:underline">
                    {sourceLabel(url)}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <p className="border-t border-line pt-3 text-xs text-fg-subtle">
          Knowledge base <span className="font-mono">{kbVersion}</span>
        </p>
      </div>
    </Card>
  );
}
