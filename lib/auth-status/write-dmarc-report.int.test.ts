import { readdirSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
import { corpusPath, readCorpusBytes } from '@/lib/test-support/corpus';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { ApiError } from '@/lib/http/errors';
import { parseDmarcReport, reportKey } from './dmarc/parse-report';

withAppDatabase();
let corpusOrg: string;
let queryOrg: string;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  corpusOrg = (await createOrganization({ slug: 'corpus' })).id;
  queryOrg = (await createOrganization({ slug: 'queries' })).id;
});

async function ingest(orgId: string, bytes: Uint8Array, filename?: string) {
  const { ingestDmarcReport } = await import('./write-dmarc-report');
  return ingestDmarcReport(orgId, bytes, filename);
}

async function count(sql: string, orgId: string): Promise<number> {
  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ n: string | null }>(sql, [orgId]);
  return Number(rows[0]?.n ?? 0);
}

const BROKEN = new Set(['aggregate/invalid_utf_8.xml', 'aggregate/invalid_xml.xml']);
const corpusFiles = ['aggregate', 'aggregate-cry-inc', 'aggregate_invalid'].flatMap((dir) => readdirSync(corpusPath(`dmarc/${dir}`)).map((f) => `${dir}/${f}`)).sort();
const validFiles = corpusFiles.filter((f) => !BROKEN.has(f));

test('every valid corpus report is stored once; a report sent twice (same org and id) is a duplicate', async () => {
  expect(validFiles).toHaveLength(27);
  const expected = new Map<string, { records: number; messages: number }>();
  const results = [];
  for (const file of validFiles) {
    const bytes = readCorpusBytes(`dmarc/${file}`);
    const parsed = await parseDmarcReport(bytes);
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
    if (!expected.has(reportKey(parsed.report))) expected.set(reportKey(parsed.report), { records: parsed.report.records.length, messages: parsed.report.totals.messages });
    results.push({ file, ...(await ingest(corpusOrg, bytes, file)) });
  }
  // acme.xml and old_draft_from_wiki.xml are the same report (acme.com, 9391651994964116463): the later one is a duplicate.
  expect(results.filter((r) => !r.stored).map((r) => r.file)).toEqual(['aggregate/old_draft_from_wiki.xml']);
  expect(await count('SELECT count(*) AS n FROM dmarc_report WHERE organization_id = $1', corpusOrg)).toBe(26);
  const records = [...expected.values()].reduce((sum, e) => sum + e.records, 0);
  const messages = [...expected.values()].reduce((sum, e) => sum + e.messages, 0);
  expect(await count('SELECT count(*) AS n FROM dmarc_record WHERE organization_id = $1', corpusOrg)).toBe(records);
  expect(await count('SELECT sum(count) AS n FROM dmarc_record WHERE organization_id = $1', corpusOrg)).toBe(messages);
  expect(await count('SELECT sum(messages) AS n FROM dmarc_report WHERE organization_id = $1', corpusOrg)).toBe(messages);

  const again = await ingest(corpusOrg, readCorpusBytes('dmarc/aggregate/google.com-report-borschow.com-949348866075514174.eml'));
  expect(again).toEqual({ stored: false, reportId: '949348866075514174', orgName: 'google.com', policyDomain: 'borschow.com', records: 1, messages: 1 });
  expect(await count('SELECT count(*) AS n FROM dmarc_record WHERE organization_id = $1', corpusOrg)).toBe(records);
});

test('the same report in another organisation is stored there too', async () => {
  const file = readCorpusBytes('dmarc/aggregate-cry-inc/outlook.xml');
  const { createOrganization } = await import('@/lib/auth/accounts');
  const other = (await createOrganization({ slug: 'other-tenant' })).id;
  expect(await ingest(other, file)).toMatchObject({ stored: true, records: 2, messages: 3 });
  expect(await count('SELECT count(*) AS n FROM dmarc_record WHERE organization_id = $1', other)).toBe(2);
});

test.each([
  ['aggregate/invalid_xml.xml', 'invalid_xml', 'line 5'],
  ['aggregate/invalid_utf_8.xml', 'invalid_utf8', 'byte 706'],
])('broken corpus report %s is a 422 naming its code and place', async (file, code, place) => {
  const error = await ingest(corpusOrg, readCorpusBytes(`dmarc/${file}`), file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ status: 422, code: 'unprocessable', details: { code, place } });
  expect((error as ApiError).message).toContain(place);
});

test('a TLS report is a 422 saying what it is', async () => {
  const error = await ingest(corpusOrg, readCorpusBytes('dmarc/smtp_tls/rfc8460.json')).catch((e: unknown) => e);
  expect(error).toMatchObject({ status: 422, details: { code: 'not_aggregate_report', place: null } });
});

interface Row {
  ip: string;
  count: number;
  disposition: string;
  dkim: 'pass' | 'fail';
  spf: 'pass' | 'fail';
  selector?: string;
  spfResult: string;
}

/** A small RFC 7489 Appendix C report for example.org, written for this test. */
function report(orgName: string, email: string, id: string, beginIso: string, rows: Row[]): Uint8Array {
  const begin = Date.parse(beginIso) / 1000;
  const records = rows
    .map(
      (r) => `<record><row><source_ip>${r.ip}</source_ip><count>${r.count}</count><policy_evaluated><disposition>${r.disposition}</disposition><dkim>${r.dkim}</dkim><spf>${r.spf}</spf></policy_evaluated></row>
<identifiers><header_from>example.org</header_from></identifiers>
<auth_results>${r.selector ? `<dkim><domain>example.org</domain><selector>${r.selector}</selector><result>${r.dkim}</result></dkim>` : ''}<spf><domain>example.org</domain><result>${r.spfResult}</result></spf></auth_results></record>`,
    )
    .join('\n');
  return new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>
<feedback><version>1.0</version>
<report_metadata><org_name>${orgName}</org_name><email>${email}</email><report_id>${id}</report_id><date_range><begin>${begin}</begin><end>${begin + 86399}</end></date_range></report_metadata>
<policy_published><domain>example.org</domain><adkim>r</adkim><aspf>r</aspf><p>reject</p><sp>reject</sp><pct>100</pct></policy_published>
${records}
</feedback>`);
}

test('per domain and source IP: volume, aligned passes, pass rate by reporter, dispositions, unknown sources and a gap-filled series', async () => {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const event = JSON.stringify({ occurredAt: '2024-03-02T10:00:00Z', sender: 'news@example.org', recipient: 'a@contoso.com', sendingIp: '203.0.113.7', outcome: 'delivered', reply: '250 2.0.0 OK' });
  async function* body() {
    yield new TextEncoder().encode(`${event}\n`);
  }
  const ingested = await ingestStream(body(), { organizationId: queryOrg, channel: 'api', format: 'ndjson', maxBytes: 1 << 20 });
  expect(ingested.accepted).toBe(1);

  await ingest(queryOrg, report('google.com', 'noreply-dmarc-support@google.com', 'g-1', '2024-03-01T00:00:00Z', [
    { ip: '203.0.113.7', count: 90, disposition: 'none', dkim: 'pass', spf: 'pass', selector: 's1', spfResult: 'pass' },
    { ip: '198.51.100.66', count: 10, disposition: 'reject', dkim: 'fail', spf: 'fail', spfResult: 'fail' },
  ]));
  await ingest(queryOrg, report('Outlook.com', 'dmarcreport@microsoft.com', 'm-1', '2024-03-03T00:00:00Z', [
    { ip: '203.0.113.7', count: 50, disposition: 'none', dkim: 'pass', spf: 'fail', selector: 's1', spfResult: 'permerror' },
  ]));

  const { listDmarcReporters } = await import('./queries/list-dmarc-reporters');
  const reporters = await listDmarcReporters(queryOrg, { domain: 'example.org' });
  expect(reporters).toEqual([
    { reporterKind: 'google', reporterOrg: 'google.com', reports: 1, messages: 100, spfAlignedPass: 90, dkimAlignedPass: 90, dmarcPass: 90, dmarcPassRate: 0.9, dispositions: { none: 90, reject: 10 } },
    { reporterKind: 'microsoft', reporterOrg: 'Outlook.com', reports: 1, messages: 50, spfAlignedPass: 0, dkimAlignedPass: 50, dmarcPass: 50, dmarcPassRate: 1, dispositions: { none: 50 } },
  ]);

  const { listOurSendingIps } = await import('./queries/list-our-sending-ips');
  const ourIps = await listOurSendingIps(queryOrg);
  expect(ourIps).toEqual(['203.0.113.7']);
  const { listDmarcSources } = await import('./queries/list-dmarc-sources');
  const sources = await listDmarcSources(queryOrg, { domain: 'example.org' }, ourIps);
  expect(sources.map((s) => [s.sourceIp, s.messages, s.dmarcPass, s.isOurs, s.reporters])).toEqual([
    ['203.0.113.7', 140, 140, true, ['Outlook.com', 'google.com']],
    ['198.51.100.66', 10, 0, false, ['google.com']],
  ]);

  const { getDmarcSeries } = await import('./queries/get-dmarc-series');
  const series = await getDmarcSeries(queryOrg, { domain: 'example.org' });
  expect(series.map((p) => [p.t.slice(0, 10), p.messages, p.dmarcPassRate])).toEqual([
    ['2024-03-01', 100, 0.9],
    ['2024-03-02', 0, null],
    ['2024-03-03', 50, 1],
  ]);

  const { getAuthStatus } = await import('./queries/get-auth-status');
  const status = await getAuthStatus(queryOrg, 'Example.org');
  expect(status.dmarcReports.unknownSources.map((s) => s.sourceIp)).toEqual(['198.51.100.66']);
  // Counted over our IP only: the spoofed source's failures do not count against us, the permerror does.
  expect(status.dmarcReports.tally).toMatchObject({ messages: 140, dmarcPass: 140, spfError: 50, noDkimSignature: 0, isOurIpsOnly: true });
  expect(status.verdict.signs.map((s) => [s.label, s.status])).toEqual([
    ['SPF', 'bad'],
    ['DKIM', 'good'],
    ['DMARC', 'good'],
    ['Blocklists', 'unknown'],
  ]);
  expect(status.verdict.healthy).toBe(false);
  expect(status.checkedAt).toBeNull();

  const { listSendingTargets } = await import('./queries/list-sending-targets');
  expect(await listSendingTargets(queryOrg)).toEqual({ domains: ['example.org'], ips: ['203.0.113.7'], selectors: { 'example.org': ['s1'] } });
});
