import type { Metadata } from 'next';
import { ButtonLink } from '@/components/ui/button';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { roleAllows } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';
import { getDetectionSettings } from '@/lib/incidents/queries/detection-settings';
import { ThresholdsForm } from './thresholds-form';

export const metadata: Metadata = { title: 'Detection thresholds' };
export const dynamic = 'force-dynamic';

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export default async function DetectionSettingsPage() {
  const { org } = await requirePageContext();
  const canEdit = roleAllows(org.role, 'admin');
  const { settings, defaults, updatedAt, updatedBy } = await getDetectionSettings(org.organizationId);
  return (
    <>
      <PageHeader
        title="Detection thresholds"
        description="When a provider's deferrals become an incident, when it escalates, and when it is over."
        actions={
          <ButtonLink href="/settings" size="sm" variant="ghost">
            All settings
          </ButtonLink>
        }
      />
      <div className="space-y-6">
        {canEdit ? null : (
          <Callout tone="info" title="Read only">
            Only administrators change thresholds. Your role is {org.role}.
          </Callout>
        )}
        <Card
          id="thresholds"
          title="Thresholds"
          description={
            updatedAt && updatedBy ? (
              <span data-testid="thresholds-changed">
                Last changed {utc(updatedAt)} by {updatedBy}. Open incidents take new values at the next detection run, within a minute.
              </span>
            ) : (
              'The defaults apply. Open incidents take new values at the next detection run, within a minute.'
            )
          }
        >
          <ThresholdsForm settings={settings} defaults={defaults} canEdit={canEdit} />
        </Card>
      </div>
    </>
  );
}
