import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { requirePageContext } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { user, org } = await requirePageContext();
  return (
    <AppShell user={{ email: user.email, name: user.name }} organizations={user.memberships} currentOrgSlug={org.slug}>
      {children}
    </AppShell>
  );
}
