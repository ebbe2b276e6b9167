import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PastUploads, PastUploadsSkeleton } from '@/components/uploads/past-uploads';
import { UploadPanel } from '@/components/uploads/upload-panel';
import { Callout } from '@/components/ui/callout';
import { PageHeader } from '@/components/ui/page-header';
import { canIngest } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Uploads' };
export const dynamic = 'force-dynamic';

export default async function UploadsPage() {
  const { org } = await requirePageContext();
  return (
    <>
      <PageHeader title="Uploads" description="Load MTA logs and ESP event exports to analyse past or ongoing deliveries. A file uploaded twice counts nothing twice." />
      <div className="space-y-6">
        {canIngest(org.role) ? (
          <UploadPanel />
        ) : (
          <Callout tone="info" title="Read-only access">
            Your role ({org.role}) can see past uploads but not add data. Ask an analyst or an administrator to upload files.
          </Callout>
        )}
        <Suspense fallback={<PastUploadsSkeleton />}>
          <PastUploads organizationId={org.organizationId} />
        </Suspense>
      </div>
    </>
  );
}
