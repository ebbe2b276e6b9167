import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { PackagePreview } from '@/components/escalation/package-preview';
import { AcknowledgeForm, AssignForm, NoteForm, ResolveForm } from '@/components/incidents/incident-annotate';
import { IncidentBreakdown, IncidentBreakdownSkeleton } from '@/components/incidents/incident-breakdown';
import { IncidentChart, IncidentChartSkeleton } from '@/components/incidents/incident-chart';
import { IncidentHeadline } from '@/components/incidents/incident-headline';
import { IncidentIdentity, IncidentIdentitySkeleton } from '@/components/incidents/incident-identity';
import { IncidentRecommendations } from '@/components/incidents/incident-recommendations';
import { IncidentTimeline } from '@/components/incidents/incident-timeline';
import { IncidentTranscripts, IncidentTranscriptsSkeleton } from '@/components/incidents/incident-transcripts';
import { chartWindow, providerLabel } from '@/components/incidents/incident-view';
import { LiveRefresh } from '@/components/live/live-refresh';
import { ButtonLink } from '@/components/ui/button';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { canAnnotateIncident } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';
import { ApiError } from '@/lib/http/errors';
import { getIncidentOrThrow } from '@/lib/incidents/queries/get-incident-or-throw';
import { acknowledgeAction, addNoteAction, assignAction, resolveAction } from './actions';

export const metadata: Metadata = { title: 'Incident' };
export const dynamic = 'force-dynamic';

async function loadIncident(organizationId: string, id: string) {
  try {
    return await getIncidentOrThrow(organizationId, id);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') notFound();
    throw error;
  }
}

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { org } = await requirePageContext();
  const { id } = await params;
  const incident = await loadIncident(org.organizationId, id);
  const now = new Date();
  const window = chartWindow(incident, now);
  const provider = incident.providers[0] ?? '';
  const canAnnotate = canAnnotateIncident(org.role);
  return (
    <>
      <PageHeader
        title={`${incident.providers.map(providerLabel).join(', ')}: ${incident.kbRule ?? 'unknown reply'}`}
        description={`Incident ${incident.id.slice(0, 8)} · ${incident.category} · ${incident.status}`}
        actions={
          <>
            <LiveRefresh />
            <ButtonLink href="/incidents" size="sm" variant="ghost">
              All incidents
            </ButtonLink>
          </>
        }
      />
      <div className="space-y-6">
        <IncidentHeadline incident={incident} now={now} />
        <Suspense fallback={<IncidentChartSkeleton />}>
          <IncidentChart organizationId={org.organizationId} incident={incident} from={window.from} to={window.to} />
        </Suspense>
        <IncidentRecommendations incident={incident} />
        <Suspense fallback={<IncidentIdentitySkeleton />}>
          <IncidentIdentity organizationId={org.organizationId} affectedIps={incident.affectedIps} />
        </Suspense>
        <Suspense fallback={<IncidentBreakdownSkeleton />}>
          <IncidentBreakdown organizationId={org.organizationId} provider={provider} affectedIps={incident.affectedIps} affectedDomains={incident.affectedDomains} from={window.from} to={window.to} />
        </Suspense>
        <Suspense fallback={<IncidentTranscriptsSkeleton />}>
          <IncidentTranscripts
            organizationId={org.organizationId}
            query={{ provider, kbRule: incident.kbRule, signature: incident.signature, ips: incident.affectedIps, regions: incident.regions, from: window.from, to: window.to }}
          />
        </Suspense>
        <PackagePreview organizationId={org.organizationId} incidentId={incident.id} />
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <IncidentTimeline timeline={incident.timeline} />
          {canAnnotate ? (
            <div className="space-y-6">
              <Card id="add-note" title="Add a note" description="Recorded on the timeline with your e-mail and the time.">
                <NoteForm action={addNoteAction.bind(null, incident.id)} />
              </Card>
              <Card id="handle" title="Handle the incident" description="Each change is recorded on the timeline with who and when.">
                <div className="space-y-6">
                  <AcknowledgeForm action={acknowledgeAction.bind(null, incident.id)} />
                  <AssignForm action={assignAction.bind(null, incident.id)} />
                  <ResolveForm action={resolveAction.bind(null, incident.id)} isResolved={incident.status === 'resolved'} />
                </div>
              </Card>
            </div>
          ) : (
            <Callout tone="info" title="Read-only access">
              Your role ({org.role}) can read incidents. Analysts and administrators add notes, acknowledge, assign and resolve.
            </Callout>
          )}
        </div>
      </div>
    </>
  );
}
