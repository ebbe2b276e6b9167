import type { AuthChangeDto } from '@/lib/auth-status/queries/list-auth-changes';
import type { AuthSign } from '@/lib/auth-status/signs';
import type { DmarcTally } from '@/lib/auth-status/signs';
import type { IncidentDto } from '@/lib/incidents/queries/incident-dto';
import type { QueueSeriesDto } from '@/lib/queue/queries/get-queue-series';
import type { PtrEvidence } from './ptr-lookup';
import type { DestinationConcurrency } from './queries/get-destination-concurrency';
import type { IpVolume } from './queries/get-ip-volume';
import type { RetryIntervalsDto } from './queries/get-retry-intervals';
import type { PackageTranscript } from './queries/list-package-transcripts';

/** One check as the authentication files show it; null fields mean "not available". */
export interface AuthCheckEvidence {
  status: string;
  summary: string;
  checkedAt: string;
}

export interface DomainAuthEvidence {
  domain: string;
  signs: AuthSign[];
  spf: AuthCheckEvidence | null;
  dkim: AuthCheckEvidence | null;
  dmarc: AuthCheckEvidence | null;
  dmarcReports: DmarcTally;
}

export interface IpAuthEvidence {
  ip: string;
  signs: AuthSign[];
  dmarcReports: DmarcTally;
}

/** Everything the package's files are made from: read once, then turned into files by pure functions. */
export interface PackageData {
  organization: { id: string; slug: string; name: string };
  incident: IncidentDto;
  productVersion: string;
  /** failures of the incident: first failure to its end, else to the end of the provider's data */
  window: { from: string; to: string };
  /** the charts: an hour either side of the window, never past the data */
  chartWindow: { from: string; to: string };
  /** whether the window ends because the incident ended (false: it was still going on when the data ends) */
  hasEnded: boolean;
  isRecipientMasked: boolean;
  totals: { attempts: number; delivered: number; deferred: number; bounced: number };
  deferral: { bucket: string; points: Array<{ t: string; attempts: number; deferred: number; deferralRate: number | null }> };
  queue: QueueSeriesDto;
  transcripts: PackageTranscript[];
  ips: Array<IpVolume & { ptr: PtrEvidence }>;
  retry: { intervals: RetryIntervalsDto; sampleDescription: string };
  concurrency: DestinationConcurrency[];
  auth: { senderDomains: string[]; domains: DomainAuthEvidence[]; ips: IpAuthEvidence[]; changes: AuthChangeDto[]; hasAnyCheck: boolean };
  /** dedicated or shared sending infrastructure; Deferral Desk has no setting for it yet */
  infrastructure: 'unknown';
}

/** One file of the package; text files are UTF-8. */
export interface PackageFile {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}
