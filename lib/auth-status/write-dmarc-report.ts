import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { ApiError } from '@/lib/http/errors';
import { parseDmarcReport, reportKey, type DmarcRecord, type DmarcReport } from './dmarc/parse-report';

export interface DmarcIngestResult {
  /** false: the organisation already had this report (same reporting org and report id). */
  stored: boolean;
  reportId: string;
  orgName: string;
  policyDomain: string;
  records: number;
  messages: number;
}

/** Rows per INSERT: a large report (thousands of source IPs) stays far below PostgreSQL's 65 535 bind parameters. */
const RECORDS_PER_INSERT = 1000;

function recordRow(organizationId: string, reportUuid: string, report: DmarcReport, r: DmarcRecord): Prisma.Sql {
  return Prisma.sql`(${organizationId}::uuid, ${reportUuid}::uuid, ${report.dateRange.begin}, ${report.reporter}, ${report.orgName}, ${r.sourceIp.toLowerCase()},
    ${r.count}, ${r.disposition}, ${r.dkimAligned}, ${r.spfAligned}, ${r.dmarcPass}, ${r.headerFrom}, ${r.envelopeFrom},
    ${JSON.stringify(r.reasons)}::jsonb, ${JSON.stringify(r.dkim)}::jsonb, ${JSON.stringify(r.spf)}::jsonb)`;
}

/**
 * Parses one DMARC aggregate report (XML, .gz, .zip or an e-mail carrying one) and stores it with its
 * records in one transaction; the same report (reporting org + report id) is stored once per organisation.
 * A report that cannot be read is an ApiError 422 carrying the parser's code, message and place.
 */
export async function ingestDmarcReport(organizationId: string, bytes: Uint8Array, filename?: string): Promise<DmarcIngestResult> {
  const parsed = await parseDmarcReport(bytes, filename);
  if (!parsed.ok) {
    const { code, message, place } = parsed.error;
    throw new ApiError('unprocessable', `This is not a readable DMARC aggregate report: ${message}${place ? ` (at ${place})` : ''}.`, { code, place: place ?? null });
  }
  const report = parsed.report;
  const { policy, totals } = report;
  const answer = { reportId: report.reportId, orgName: report.orgName, policyDomain: policy.domain, records: report.records.length, messages: totals.messages };
  const stored = await db().$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO dmarc_report (id, organization_id, report_key, org_name, reporter_email, reporter_kind, report_id, schema_version,
        policy_domain, policy_p, policy_sp, policy_pct, policy_adkim, policy_aspf, policy_np, policy_testing,
        begin_at, end_at, messages, dmarc_pass, dkim_aligned_pass, spf_aligned_pass, errors, filename, raw_bytes)
      VALUES (gen_random_uuid(), ${organizationId}::uuid, ${reportKey(report)}, ${report.orgName}, ${report.email}, ${report.reporter}, ${report.reportId}, ${report.schema},
        ${policy.domain.toLowerCase()}, ${policy.p}, ${policy.sp}, ${policy.pct}, ${policy.adkim}, ${policy.aspf}, ${policy.np ?? null}, ${policy.testing ?? null},
        ${report.dateRange.begin}, ${report.dateRange.end}, ${totals.messages}, ${totals.dmarcPass}, ${totals.dkimAlignedPass}, ${totals.spfAlignedPass},
        ${JSON.stringify(report.errors)}::jsonb, ${filename ?? null}, ${bytes.byteLength})
      ON CONFLICT (organization_id, report_key) DO NOTHING
      RETURNING id::text`;
    const reportUuid = inserted[0]?.id;
    if (reportUuid === undefined) return false;
    for (let i = 0; i < report.records.length; i += RECORDS_PER_INSERT) {
      const rows = report.records.slice(i, i + RECORDS_PER_INSERT).map((r) => recordRow(organizationId, reportUuid, report, r));
      await tx.$executeRaw`
        INSERT INTO dmarc_record (organization_id, report_id, begin_at, reporter_kind, reporter_org, source_ip, count, disposition,
          dkim_aligned, spf_aligned, dmarc_pass, header_from, envelope_from, reasons, dkim_results, spf_results)
        VALUES ${Prisma.join(rows)}`;
    }
    return true;
  });
  return { stored, ...answer };
}
