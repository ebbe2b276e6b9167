import Link from 'next/link';
import type { ReactNode } from 'react';
import { signOutAction } from '@/app/actions/auth';
import { switchOrganization } from '@/app/actions/organization';
import { Badge } from '@/components/ui/badge';
import { IconArrowRight, IconLogOut, LogoMark } from '@/components/ui/icons';
import { Label, Select } from '@/components/ui/input';
import { SubmitButton } from '@/components/ui/submit-button';
import { NavLinks } from './nav-links';
import { ShellFrame } from './shell-frame';

export interface AppShellProps {
  user: { email: string; name: string | null };
  organizations: { slug: string; name: string; role: string }[];
  currentOrgSlug: string;
  children: ReactNode;
}

/** The dashboard frame: skip link, sidebar (brand, organisation, navigation, user) and main area. */
export function AppShell({ user, organizations, currentOrgSlug, children }: AppShellProps) {
  const current = organizations.find((o) => o.slug === currentOrgSlug) ?? organizations[0];
  return (
    <>
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-accent px-3 py-2 text-sm font-medium text-on-accent focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <ShellFrame
        brand={<Brand />}
        sidebar={
          <div className="flex flex-1 flex-col gap-5 pt-4">
            {current ? <OrganizationPanel organizations={organizations} current={current} /> : null}
            <NavLinks />
            <UserPanel user={user} />
          </div>
        }
      >
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl px-4 py-6 outline-none sm:px-6 lg:px-8 lg:py-8">
          {children}
        </main>
      </ShellFrame>
    </>
  );
}

function Brand() {
  return (
    <Link href="/" className="flex items-center gap-2.5 rounded-md text-[15px] font-semibold tracking-tight text-fg">
      <LogoMark className="size-7" />
      Deferral Desk
    </Link>
  );
}

const roleLabel = (role: string) => role.charAt(0).toUpperCase() + role.slice(1);

function OrganizationPanel({ organizations, current }: { organizations: AppShellProps['organizations']; current: AppShellProps['organizations'][number] }) {
  const canSwitch = organizations.length > 1;
  return (
    <section aria-label="Organisation" className="px-3">
      <div className="rounded-md border border-line bg-surface-muted px-3 py-2.5">
        <div className="flex items-center justify-between gap-2">
          <p className="text-[11px] font-medium tracking-wide text-fg-subtle uppercase">Organisation</p>
          <Badge tone="accent">{roleLabel(current.role)}</Badge>
        </div>
        <p className="mt-1 truncate text-sm font-semibold text-fg" title={current.name}>
          {current.name}
        </p>
        {canSwitch ? (
          <form action={switchOrganization} className="mt-2.5 flex items-center gap-1.5">
            <Label htmlFor="org-switch" className="sr-only">
              Organisation to show
            </Label>
            <Select id="org-switch" name="slug" defaultValue={current.slug} compact className="min-w-0 flex-1">
              {organizations.map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </Select>
            <SubmitButton size="icon-sm" aria-label="Switch organisation" title="Switch organisation" icon={<IconArrowRight className="size-3.5" />} />
          </form>
        ) : null}
      </div>
    </section>
  );
}

function UserPanel({ user }: { user: AppShellProps['user'] }) {
  const initial = (user.name ?? user.email).charAt(0).toUpperCase();
  return (
    <div className="mt-auto border-t border-line p-3">
      <div className="flex items-center gap-2.5 px-1">
        <span aria-hidden="true" className="flex size-7 shrink-0 items-center justify-center rounded-full bg-surface-muted text-xs font-semibold text-fg-muted ring-1 ring-line">
          {initial}
        </span>
        <div className="min-w-0">
          {user.name ? <p className="truncate text-sm font-medium text-fg">{user.name}</p> : null}
          <p className={user.name ? 'truncate text-xs text-fg-muted' : 'truncate text-sm text-fg'} title={user.email}>
            {user.email}
          </p>
        </div>
      </div>
      <form action={signOutAction} className="mt-2">
        <SubmitButton variant="ghost" size="sm" icon={<IconLogOut className="size-3.5" />}>
          Sign out
        </SubmitButton>
      </form>
    </div>
  );
}
