import { generateKeyPairSync } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { startTestDnsServer, type TestDnsServer } from '../lib/test-support/dns-server';
import { e2eDnsServer } from './ports';
import { signIn } from './support';

// The app resolves through a DNS server on a port it was given at start (e2e/ports.ts); this spec serves the zones of
// acme.test there, so the checks run the whole query path: no resolver function is replaced. The end state is
// healthy for acme.test, so later specs' verdicts see a healthy sending identity.
test.describe.configure({ mode: 'serial' });

const OURS = '192.0.2.10';
const SECOND = '192.0.2.11';
const STRANGER = '198.51.100.99';
const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const a = (data: string) => ({ type: 'A' as const, data });
const txt = (data: string) => ({ type: 'TXT' as const, data });

let dns: TestDnsServer;

test.beforeAll(async () => {
  dns = await startTestDnsServer(
    {
      'acme.test': [txt(`v=spf1 ip4:${OURS} ip4:${SECOND} -all`), { type: 'MX', data: { preference: 10, exchange: 'mx.acme.test' } }],
      'mx.acme.test': [a('192.0.2.25')],
      '_dmarc.acme.test': [txt('v=DMARC1; p=reject; rua=mailto:dmarc@acme.test')],
      's1._domainkey.acme.test': [txt(`v=DKIM1; k=rsa; p=${dkimKey}`)],
      '10.2.0.192.in-addr.arpa': [{ type: 'PTR', data: 'mail.acme.test' }],
      '11.2.0.192.in-addr.arpa': [{ type: 'PTR', data: 'mail2.acme.test' }],
      'mail.acme.test': [a(OURS)],
      'mail2.acme.test': [a(SECOND)],
      '11.2.0.192.bl.spamcop.net': [a('127.0.0.2'), txt(`Blocked - see https://www.spamcop.net/bl.shtml?${SECOND}`)],
    },
    { port: Number(e2eDnsServer.split(':')[1]) },
  );
});

test.afterAll(async () => {
  await dns?.close();
});

/** A DMARC aggregate report from Microsoft for acme.test: our IP passes, an IP that is not ours fails. */
function dmarcReport(): string {
  const end = Math.floor(Date.now() / 1000);
  const row = (ip: string, count: number, result: 'pass' | 'fail') =>
    `<record><row><source_ip>${ip}</source_ip><count>${count}</count><policy_evaluated><disposition>${result === 'pass' ? 'none' : 'reject'}</disposition><dkim>${result}</dkim><spf>${result}</spf></policy_evaluated></row>` +
    `<identifiers><header_from>acme.test</header_from></identifiers><auth_results><dkim><domain>acme.test</domain><selector>s1</selector><result>${result}</result></dkim><spf><domain>acme.test</domain><result>${result}</result></spf></auth_results></record>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<feedback><report_metadata><org_name>Outlook.com</org_name><email>dmarcreport@microsoft.com</email><report_id>e2e-${end}</report_id>
<date_range><begin>${end - 86_400}</begin><end>${end}</end></date_range></report_metadata>
<policy_published><domain>acme.test</domain><adkim>r</adkim><aspf>r</aspf><p>reject</p><sp>reject</sp><pct>100</pct></policy_published>
${row(OURS, 40, 'pass')}${row(STRANGER, 5, 'fail')}</feedback>`;
}

/** Deliveries from our two IPs in the last minutes, so they count as our sending IPs. */
function deliveries(): string {
  const now = Date.now();
  return Array.from({ length: 20 }, (_, i) =>
    JSON.stringify({
      occurredAt: new Date(now - (20 - i) * 30_000).toISOString(),
      source: 'generic',
      queueId: `AUTH${now}Q${i}`,
      sender: 'news@acme.test',
      recipient: `user${i}@gmail.com`,
      mxHost: 'gmail-smtp-in.l.google.com',
      sendingIp: i % 2 === 0 ? OURS : SECOND,
      outcome: 'delivered',
      reply: '250 2.0.0 OK',
    }),
  ).join('\n');
}

test('the Authentication page shows SPF, DKIM, DMARC and blocklists from real DNS and DMARC reports; a change is listed and marked on the charts', async ({ page }) => {
  await signIn(page);
  expect((await page.request.post('/api/v1/events?format=ndjson', { data: deliveries(), headers: { 'content-type': 'application/x-ndjson' } })).status()).toBe(200);
  const report = await page.request.post('/api/v1/dmarc-reports?filename=outlook.xml', { data: dmarcReport(), headers: { 'content-type': 'application/xml' } });
  expect(report.status()).toBe(201);

  await page.goto('/authentication');
  await expect(page.getByRole('heading', { level: 1, name: 'Authentication' })).toBeVisible();
  await page.getByLabel('Sending domain').fill('acme.test');
  await page.getByLabel('DKIM selectors').fill('s1');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await expect(page.getByText('acme.test added with selector(s) s1.')).toBeVisible();

  await page.getByRole('button', { name: 'Run checks now' }).click();
  await expect(page.getByText(/Checked 1 domain\(s\) and 2 IP\(s\): no change since the previous run\./)).toBeVisible({ timeout: 30_000 });
  await page.reload();

  const domain = page.locator('#domain-acme-test');
  for (const label of ['SPF', 'DKIM', 'DMARC', 'Blocklists']) await expect(domain.getByTestId(`sign-${label}`)).toContainText('healthy');
  await expect(domain.getByTestId('sign-DMARC')).toContainText('DMARC pass 100.0 % (0 failed) of 40 message(s) from our sending IPs');
  await expect(domain.getByTestId('unknown-sources')).toContainText(STRANGER);
  await expect(page.getByTestId(`reputation-${OURS}`)).toContainText('mail.acme.test');
  await expect(page.getByTestId(`reputation-${SECOND}`)).toContainText('SpamCop');
  await expect(page.getByTestId('auth-changes')).toHaveCount(0);

  // SpamCop delists the second IP and the SPF record is rewritten: the next run reports both changes.
  dns.setRecords('11.2.0.192.bl.spamcop.net', []);
  dns.setRecords('acme.test', [txt('v=spf1 ip4:192.0.2.0/28 -all'), { type: 'MX', data: { preference: 10, exchange: 'mx.acme.test' } }]);
  await page.getByRole('button', { name: 'Run checks now' }).click();
  await expect(page.getByText(/Checked 1 domain\(s\) and 2 IP\(s\): 2 change\(s\)/)).toBeVisible({ timeout: 30_000 });
  await page.reload();
  const changes = page.getByTestId('auth-changes').getByRole('row');
  await expect(changes).toHaveCount(2);
  await expect(changes.filter({ hasText: 'Blocklists' })).toContainText(`${SECOND}`);
  await expect(changes.filter({ hasText: 'Blocklists' })).toContainText('delisted from SpamCop');
  await expect(changes.filter({ hasText: 'SPF' })).toContainText('v=spf1 ip4:192.0.2.0/28 -all');
  expect(dns.queries.some((q) => q.name === '_dmarc.acme.test')).toBe(true);

  // The same changes as dashed markers on the overview's deferral chart (its text alternative names them).
  await page.goto('/');
  const comparison = page.locator('figure').filter({ hasText: 'Deferral rate by provider group' });
  await expect(comparison.locator('figcaption')).toContainText(`Blocklists ${SECOND} bad → good`);
  await expect(comparison.locator('figcaption')).toContainText('SPF acme.test good → good');

  // The IP's own page: its Reputation panel, and its changes and the domain's on its deferral chart.
  await page.goto(`/ips/${SECOND}`);
  const reputation = page.locator('#reputation');
  await expect(reputation).toContainText('no bad sign');
  await expect(reputation.getByTestId('sign-Blocklists')).toContainText('healthy');
  await expect(reputation.getByTestId('sign-PTR / FCrDNS')).toContainText('mail2.acme.test');
  const ipChart = page.locator('figure').filter({ hasText: 'Deferral rate, ' }).first();
  await expect(ipChart.locator('figcaption')).toContainText(`Blocklists ${SECOND} bad → good`);
  await expect(ipChart.locator('figcaption')).toContainText('SPF acme.test good → good');
});
