import type { ReactNode } from 'react';
import { LogoMark } from '@/components/ui/icons';

/** The centred frame of the sign-in and first-run pages. */
export function AuthCard({ title, description, children, wide = false }: { title: string; description?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center px-4 py-10 sm:py-16">
      <div className={wide ? 'w-full max-w-md' : 'w-full max-w-sm'}>
        <div className="mb-6 flex items-center justify-center gap-2.5 text-base font-semibold tracking-tight text-fg">
          <LogoMark className="size-8" />
          Deferral Desk
        </div>
        <div className="rounded-xl border border-line bg-surface p-6 shadow-sm sm:p-8">
          <div className="mb-6 space-y-1.5">
            <h1 className="text-lg font-semibold tracking-tight text-fg">{title}</h1>
            {description ? <p className="text-sm text-fg-muted">{description}</p> : null}
          </div>
          {children}
        </div>
        <p className="mt-6 text-center text-xs text-fg-subtle">Provider deferrals, queues and escalation evidence in one place.</p>
      </div>
    </main>
  );
}
