import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '@/lib/test-support/dns-server';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { createDnsResolver, type DnsResolver } from './dns/resolver';

withAppDatabase();
let server: TestDnsServer;
let resolver: DnsResolver;
let orgId: string;
let incidentId: string;

const a = (data: string) => ({ type: 'A' as const, data });
const txt = (data: string) => ({ type: 'TXT' as const, data });
const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const SPF_BOTH = 'v=spf1 ip4:203.0.113.7 ip4:203.0.113.8 -all';
const SPF_ONE = 'v=spf1 ip4:203.0.113.7 -all';

beforeAll(async () => {
  server = await startTestDnsServer({
    'example.org': [txt(SPF_BOTH), { type: 'MX', data: { preference: 10, exchange: 'mx.example.org' } }],
    'mx.example.org': [a('203.0.113.25')],
    '_dmarc.example.org': [txt('v=DMARC1; p=reject; rua=mailto:dmarc@example.org')],
    's1._domainkey.example.org': [txt(`v=DKIM1; k=rsa; p=${dkimKey}`)],
    '7.113.0.203.in-addr.arpa': [{ type: 'PTR', data: 'mail.example.org' }],
    'mail.example.org': [a('203.0.113.7')],
    // Spamhaus answers 127.255.255.254 to queries through public resolvers: a refusal, not a listing.
    '7.113.0.203.zen.spamhaus.org': [a('127.255.255.254')],
    '8.113.0.203.bl.spamcop.net': [a('127.0.0.2'), txt('Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.8')],
  });
  resolver = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });

  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'checks' })).id;
  const { writeSendingDomain } = await import('./write-sending-domain');
  await writeSendingDomain(orgId, 'Example.org', ['S1']);
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const lines = ['203.0.113.7', '203.0.113.8'].map((ip, i) =>
    JSON.stringify({ occurredAt: `2024-03-02T10:0${i}:00Z`, sender: 'news@example.org', recipient: `r${i}@contoso.com`, sendingIp: ip, outcome: 'delivered', reply: '250 2.0.0 OK' }),
  );
  async function* body() {
    yield new TextEncoder().encode(`${lines.join('\n')}\n`);
  }
  await ingestStream(body(), { organizationId: orgId, channel: 'api', format: 'ndjson', maxBytes: 1 << 20 });

  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ id: string }>(
    `INSERT INTO incident (id, organization_id, status, scope, escalation, provider, rule_key, signature, category, baseline_rate, peak_deferral_rate, peak_at, started_at, opened_at, last_elevated_at, updated_by)
     VALUES (gen_random_uuid(), $1, 'open', 'unknown', 'monitor', 'microsoft-365', 'microsoft.server-busy', '451 4.7.500 Server busy', 'throttling', 0.01, 0.5, now(), now(), now(), now(), 'system')
     RETURNING id::text`,
    [orgId],
  );
  incidentId = rows[0]?.id ?? '';
});

afterAll(async () => {
  await server.close();
});

async function run(at: string) {
  const { runAuthChecks } = await import('./run-checks');
  return runAuthChecks(orgId, { resolver, now: new Date(at) });
}

test('the first run checks every sending domain and IP against real DNS and stores the results, with no change yet', async () => {
  const first = await run('2024-03-02T12:00:00Z');
  expect(first).toMatchObject({ domains: ['example.org'], ips: ['203.0.113.7', '203.0.113.8'], changes: [] });
  // example.org: spf dmarc dkim mx dnsbl; each IP: ptr dnsbl.
  expect(first.checks).toBe(9);

  const { listLatestChecks } = await import('./queries/list-latest-checks');
  const checks = await listLatestChecks(orgId);
  expect(checks.map((c) => [c.kind, c.target, c.status])).toEqual([
    ['dkim', 'example.org', 'good'],
    ['dmarc', 'example.org', 'good'],
    ['dnsbl', '203.0.113.7', 'unknown'],
    ['dnsbl', '203.0.113.8', 'bad'],
    ['dnsbl', 'example.org', 'good'],
    ['mx', 'example.org', 'good'],
    ['ptr', '203.0.113.7', 'good'],
    ['ptr', '203.0.113.8', 'bad'],
    ['spf', 'example.org', 'good'],
  ]);
  expect(checks.find((c) => c.kind === 'dkim')?.summary).toBe('DKIM keys valid: s1: pass (rsa 2048 bits)');

  const { getReputation } = await import('./queries/get-reputation');
  const refused = await getReputation(orgId, '203.0.113.7');
  expect(refused.blocklists.find((b) => b.list === 'Spamhaus ZEN')).toMatchObject({ status: 'refused', codes: ['127.255.255.254'] });
  expect(refused.blocklists.filter((b) => b.status === 'listed')).toEqual([]);
  expect(refused.verdict.signs).toEqual([
    { label: 'PTR / FCrDNS', status: 'good', evidence: ['DNS check 2024-03-02T12:00:00.000Z: PTR mail.example.org, forward-confirmed'] },
    { label: 'Blocklists', status: 'unknown', evidence: [expect.stringContaining('Spamhaus ZEN: query refused')] },
  ]);
  expect(refused).toMatchObject({ isOurs: true, checkedAt: '2024-03-02T12:00:00.000Z', verdict: { healthy: true } });

  const listed = await getReputation(orgId, '203.0.113.8');
  expect(listed.blocklists.find((b) => b.list === 'SpamCop')).toMatchObject({ status: 'listed', reason: 'Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.8' });
  expect(listed.verdict).toMatchObject({ healthy: false, signs: [{ label: 'PTR / FCrDNS', status: 'bad' }, { label: 'Blocklists', status: 'bad' }] });
});

test('an edited SPF record and a delisting become changes, on the incident timeline too; a lookup failure is not a change', async () => {
  server.setRecords('example.org', [txt(SPF_ONE), { type: 'MX', data: { preference: 10, exchange: 'mx.example.org' } }]);
  server.setRecords('8.113.0.203.bl.spamcop.net', []);
  server.setFailure('_dmarc.example.org', 'servfail');
  const second = await run('2024-03-02T18:00:00Z');
  expect(second.changes.map((c) => [c.kind, c.target, c.fromStatus, c.toStatus])).toEqual([
    ['spf', 'example.org', 'good', 'bad'],
    ['dnsbl', '203.0.113.8', 'bad', 'good'],
  ]);
  expect(second.changes[0]?.summary).toBe(`SPF of example.org changed: record: ${SPF_BOTH} → ${SPF_ONE}; ip 203.0.113.8: pass → fail; result: pass → fail`);
  expect(second.changes[1]?.summary).toBe('Blocklists of 203.0.113.8 changed: delisted from SpamCop');

  const { getAuthStatus } = await import('./queries/get-auth-status');
  const status = await getAuthStatus(orgId, 'example.org');
  expect(status.dmarc?.status).toBe('unknown');
  expect(status.verdict.signs.find((s) => s.label === 'SPF')).toMatchObject({ status: 'bad', evidence: [expect.stringContaining('203.0.113.8 is not authorised')] });

  const { pool } = await import('@/lib/db/client');
  const timeline = await pool().query<{ kind: string; message: string; actor: string }>('SELECT kind, message, actor FROM incident_event WHERE organization_id = $1 AND incident_id = $2 ORDER BY id', [orgId, incidentId]);
  expect(timeline.rows).toEqual([
    { kind: 'auth_change', message: second.changes[0]?.summary, actor: 'system' },
    { kind: 'auth_change', message: second.changes[1]?.summary, actor: 'system' },
  ]);

  // The DMARC record answers again, unchanged: compared with the last answered check, nothing changed.
  server.setFailure('_dmarc.example.org', null);
  const third = await run('2024-03-03T00:00:00Z');
  expect(third.changes).toEqual([]);
  const { listAuthChanges } = await import('./queries/list-auth-changes');
  const changes = await listAuthChanges(orgId, { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-04T00:00:00Z') });
  expect(changes.map((c) => [c.at, c.kind, c.target])).toEqual([
    ['2024-03-02T18:00:00.000Z', 'spf', 'example.org'],
    ['2024-03-02T18:00:00.000Z', 'dnsbl', '203.0.113.8'],
  ]);
  expect(await pool().query('SELECT count(*)::int AS n FROM auth_check WHERE organization_id = $1', [orgId]).then((r) => r.rows[0])).toEqual({ n: 27 });
});

test('getAuthSummary gives the signs of the Authentication page, for the incident verdict and the incident page', async () => {
  const { getAuthSummary } = await import('./queries/get-auth-summary');
  const { getAuthStatus } = await import('./queries/get-auth-status');
  const { getReputation } = await import('./queries/get-reputation');
  const summary = await getAuthSummary(orgId);
  expect(summary.domains.map((d) => [d.target, d.healthy])).toEqual([['example.org', false]]);
  expect(summary.ips.map((i) => [i.target, i.healthy])).toEqual([
    ['203.0.113.7', true],
    ['203.0.113.8', false],
  ]);
  expect(summary.healthy).toBe(false);
  expect(summary.domains[0]?.signs).toEqual((await getAuthStatus(orgId, 'example.org')).verdict.signs);
  expect(summary.ips[1]?.signs).toEqual((await getReputation(orgId, '203.0.113.8')).verdict.signs);
  const onlyGood = await getAuthSummary(orgId, { domains: [], ips: ['203.0.113.7'] });
  expect(onlyGood).toMatchObject({ healthy: true, domains: [], ips: [{ target: '203.0.113.7' }] });
});
