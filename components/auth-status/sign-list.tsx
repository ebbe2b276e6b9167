import { Badge, type Tone } from '@/components/ui/badge';
import type { AuthSign } from '@/lib/auth-status/signs';

const tone: Record<AuthSign['status'], Tone> = { good: 'success', bad: 'danger', unknown: 'neutral' };
const word: Record<AuthSign['status'], string> = { good: 'healthy', bad: 'bad sign', unknown: 'unknown' };

/** The healthy/bad signs of a domain or IP, each with its evidence. */
export function SignList({ signs }: { signs: AuthSign[] }) {
  return (
    <ul className="grid gap-3 sm:grid-cols-2">
      {signs.map((sign) => (
        <li key={sign.label} className="rounded-md border border-line px-3 py-2.5" data-testid={`sign-${sign.label}`}>
          <div className="flex items-center justify-between gap-2">
            <span className="text-sm font-medium text-fg">{sign.label}</span>
            <Badge tone={tone[sign.status]} dot>
              {word[sign.status]}
            </Badge>
          </div>
          <ul className="mt-1.5 space-y-1 text-xs text-fg-muted">
            {sign.evidence.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
