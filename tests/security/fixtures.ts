// Shared data of the security tests: organisations, users and tokens of every kind, and a Microsoft S77714
// throttling episode (DESIGN.md reference reply) that detection turns into an incident.

const T0 = Date.UTC(2023, 9, 11, 1, 0);
export const at = (minute: number) => new Date(T0 + minute * 60_000);

/** The DESIGN.md reference reply at minute m. */
export const s77714 = (ip: string, m: number) =>
  `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com ${at(m).toISOString().replace('.000Z', '.557Z')} 08DBC41AE3EEAC91]`;

/**
 * NDJSON lines of one episode: `perMinute` attempts a minute from 203.0.113.7 to contoso.com, deferred with S77714 in
 * minutes 20–99. Two organisations given the same call hold look-alike data (same queue ids, replies, IPs, times).
 */
export function episodeLines(perMinute: number, minutes = 120, replyOf: (ip: string, m: number) => string = s77714): string[] {
  const lines: string[] = [];
  for (let m = 0; m < minutes; m += 1) {
    for (let n = 0; n < perMinute; n += 1) {
      const failing = m >= 20 && m < 100;
      lines.push(
        JSON.stringify({
          occurredAt: new Date(at(m).getTime() + n * 1000).toISOString(),
          source: 'generic',
          sourceHost: 'mx1',
          queueId: `Q${m}x${n}`,
          recipient: `user${n}@contoso.com`,
          mxHost: 'contoso-com.mail.protection.outlook.com',
          sendingIp: '203.0.113.7',
          outcome: failing ? 'deferred' : 'delivered',
          reply: failing ? replyOf('203.0.113.7', m) : '250 2.0.0 OK',
        }),
      );
    }
  }
  return lines;
}

async function* once(body: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(body);
}

/** Ingests the lines into an organisation as the API does, then runs incident detection over them. */
export async function ingestEpisode(organizationId: string, lines: string[], filename?: string): Promise<void> {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { runDetection } = await import('@/lib/incidents/run-detection');
  await ingestStream(once(lines.join('\n')), { organizationId, channel: 'upload', format: 'ndjson', maxBytes: 64 * 1024 * 1024, now: at(130), ...(filename ? { filename } : {}) });
  await runDetection(organizationId, at(130));
}

export type PrincipalName = 'anonymous' | 'viewer' | 'analyst' | 'admin' | 'otherAdmin' | 'ingestToken' | 'readToken' | 'revokedToken';
export const principalNames: PrincipalName[] = ['anonymous', 'viewer', 'analyst', 'admin', 'otherAdmin', 'ingestToken', 'readToken', 'revokedToken'];

export interface World {
  acme: { id: string; slug: string };
  other: { id: string; slug: string };
  users: Record<'viewer' | 'analyst' | 'admin' | 'otherAdmin', string>;
  tokens: Record<'ingestToken' | 'readToken' | 'revokedToken' | 'otherRead', string>;
}

/** Two organisations: acme with a user of each role and three tokens (one revoked), other with its own admin and token. */
export async function createWorld(): Promise<World> {
  const { createOrganization, createUser } = await import('@/lib/auth/accounts');
  const { createApiToken, revokeApiToken } = await import('@/lib/auth/tokens');
  const acme = await createOrganization({ slug: 'acme' });
  const other = await createOrganization({ slug: 'other' });
  const password = 'correct horse battery';
  const user = async (org: string, email: string, role: 'admin' | 'analyst' | 'viewer') => (await createUser({ orgSlug: org, email, password, role })).id;
  const users = {
    viewer: await user('acme', 'viewer@acme.test', 'viewer'),
    analyst: await user('acme', 'analyst@acme.test', 'analyst'),
    admin: await user('acme', 'admin@acme.test', 'admin'),
    otherAdmin: await user('other', 'admin@other.test', 'admin'),
  };
  const ingest = await createApiToken({ organizationId: acme.id, name: 'mx1', scope: 'ingest' });
  const read = await createApiToken({ organizationId: acme.id, name: 'grafana', scope: 'read' });
  const revoked = await createApiToken({ organizationId: acme.id, name: 'old', scope: 'read' });
  await revokeApiToken(acme.id, revoked.record.id);
  const otherRead = await createApiToken({ organizationId: other.id, name: 'theirs', scope: 'read' });
  return { acme, other, users, tokens: { ingestToken: ingest.token, readToken: read.token, revokedToken: revoked.token, otherRead: otherRead.token } };
}

/** A minimal DMARC aggregate report (RFC 7489 appendix C) from Google for acme.test, covering the last day by default. */
export function dmarcXml(reportId: string, count = 3, endSeconds = Math.floor(Date.now() / 1000)): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feedback><report_metadata><org_name>google.com</org_name><email>noreply-dmarc-support@google.com</email><report_id>${reportId}</report_id>
<date_range><begin>${endSeconds - 86_400}</begin><end>${endSeconds}</end></date_range></report_metadata>
<policy_published><domain>acme.test</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct></policy_published>
<record><row><source_ip>203.0.113.7</source_ip><count>${count}</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
<identifiers><header_from>acme.test</header_from></identifiers><auth_results><dkim><domain>acme.test</domain><result>pass</result></dkim><spf><domain>acme.test</domain><result>pass</result></spf></auth_results></record></feedback>`;
}
