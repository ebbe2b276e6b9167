import { db } from '@/lib/db/client';

export interface UploadDto {
  /** The upload id, or the batch id of a single-request upload. */
  id: string;
  filename: string | null;
  format: string;
  chunks: number;
  bytes: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  uploadedBy: string | null;
  startedAt: string;
  finishedAt: string;
}

/** Past uploads of an organisation, newest first; chunks of one file are summed. */
export async function listUploads(organizationId: string, limit = 50): Promise<UploadDto[]> {
  const rows = await db().$queryRaw<Array<{ id: string; filename: string | null; format: string; chunks: bigint; bytes: bigint; accepted: bigint; duplicates: bigint; rejected: bigint; uploaded_by: string | null; started_at: Date; finished_at: Date }>>`
    SELECT coalesce(b.upload_id, b.id::text) AS id, min(b.filename) AS filename, min(b.format) AS format, count(*) AS chunks,
           sum(b.bytes) AS bytes, sum(b.accepted) AS accepted, sum(b.duplicates) AS duplicates, sum(b.rejected) AS rejected,
           min(coalesce(u.email, 'token ' || t.name)) AS uploaded_by, min(b.created_at) AS started_at, max(b.created_at) AS finished_at
    FROM ingest_batch b
    LEFT JOIN app_user u ON u.id = b.created_by_user_id
    LEFT JOIN api_token t ON t.id = b.created_by_token_id AND t.organization_id = b.organization_id
    WHERE b.organization_id = ${organizationId}::uuid AND b.channel = 'upload'
    GROUP BY coalesce(b.upload_id, b.id::text)
    ORDER BY max(b.created_at) DESC
    LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    filename: r.filename,
    format: r.format,
    chunks: Number(r.chunks),
    bytes: Number(r.bytes),
    accepted: Number(r.accepted),
    duplicates: Number(r.duplicates),
    rejected: Number(r.rejected),
    uploadedBy: r.uploaded_by,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at.toISOString(),
  }));
}
