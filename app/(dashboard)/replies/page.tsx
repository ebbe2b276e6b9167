import type { Metadata } from 'next';
import { ReplyLookup } from '@/components/replies/reply-lookup';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Reply lookup' };
export const dynamic = 'force-dynamic';

export default async function RepliesPage() {
  await requirePageContext();
  return (
    <>
      <PageHeader title="Reply lookup" description="Paste an SMTP reply to see what Deferral Desk understands of it and what the knowledge base recommends." />
      <ReplyLookup />
    </>
  );
}
