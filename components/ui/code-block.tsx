import { CopyButton } from './copy-button';

/** A preformatted code sample with an optional caption and a Copy button. */
export function CodeBlock({ code, caption }: { code: string; caption?: string }) {
  return (
    <figure className="min-w-0 overflow-hidden rounded-lg border border-line bg-surface-sunken">
      <div className="flex items-center justify-between gap-3 border-b border-line px-3 py-1.5">
        <figcaption className="text-xs font-medium text-fg-muted">{caption ?? 'Example'}</figcaption>
        <CopyButton value={code} variant="ghost" />
      </div>
      <pre className="overflow-x-auto px-4 py-3 font-mono text-[13px] leading-6 text-fg">
        <code>{code}</code>
      </pre>
    </figure>
  );
}
