import { Badge } from '@/components/ui/badge';
import type { EscalationLevel, IncidentScope, IncidentStatus } from '@/lib/incidents/types';
import { escalationLabel, escalationTone, scopeLabel, scopeTone, statusTone } from './incident-view';

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <Badge tone={statusTone[status]} dot>
      {status}
    </Badge>
  );
}

/** The receiver/sender verdict. */
export function ScopeBadge({ scope }: { scope: IncidentScope }) {
  return <Badge tone={scopeTone[scope]}>{scopeLabel[scope]}</Badge>;
}

export function EscalationBadge({ escalation }: { escalation: EscalationLevel }) {
  return <Badge tone={escalationTone[escalation]}>{escalationLabel[escalation]}</Badge>;
}
