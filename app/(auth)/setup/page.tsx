import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card';
import { SetupForm } from '@/components/auth/setup-form';
import { countUsers } from '@/lib/auth/accounts';

export const metadata: Metadata = { title: 'Set up' };
export const dynamic = 'force-dynamic';

export default async function SetupPage() {
  if ((await countUsers()) > 0) redirect('/login');
  return (
    <AuthCard wide title="Set up Deferral Desk" description="This creates the first administrator and the first organisation; you can add people and organisations later.">
      <SetupForm />
    </AuthCard>
  );
}
