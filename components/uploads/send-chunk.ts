import { formatNames } from '@/lib/ingest/types';
import { UploadError, type AnswerFormat, type ChunkAnswer, type ChunkRequest, type RejectedLine, type SendChunk } from './file-upload';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isAnswerFormat(value: unknown): value is AnswerFormat {
  return value === 'dmarc' || (typeof value === 'string' && (formatNames as readonly string[]).includes(value));
}

function isRejectedLine(value: unknown): value is RejectedLine {
  return isRecord(value) && typeof value.line === 'number' && typeof value.reason === 'string';
}

/** Checks the shape of a 200 answer instead of trusting it (events, or a stored DMARC report). */
export function toChunkAnswer(body: unknown): ChunkAnswer | null {
  if (!isRecord(body) || !isAnswerFormat(body.format) || !Array.isArray(body.errors)) return null;
  const { formatReason, accepted, duplicates, rejected, errors } = body;
  if (typeof accepted !== 'number' || typeof duplicates !== 'number' || typeof rejected !== 'number') return null;
  if (!errors.every(isRejectedLine)) return null;
  const reason = typeof formatReason === 'string' ? formatReason : body.format === 'dmarc' ? 'DMARC aggregate report' : null;
  return { format: body.format, formatReason: reason, accepted, duplicates, rejected, errors };
}

/** The message of the API error envelope `{error:{code,message}}`, when the body is one. */
export function envelopeMessage(body: unknown): string | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  return typeof body.error.message === 'string' ? body.error.message : null;
}

/** Statuses after which the same chunk may well succeed: timeouts, rate limits, server trouble. */
function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** POSTs chunks to /api/v1/uploads with the session cookie (same origin). */
export function createSendChunk(fetchImpl: typeof fetch = (input, init) => fetch(input, init)): SendChunk {
  return async (request: ChunkRequest) => {
    const query = new URLSearchParams({
      filename: request.filename,
      format: request.format,
      uploadId: request.uploadId,
      offset: String(request.offset),
      lineOffset: String(request.lineOffset),
    });
    let response: Response;
    try {
      response = await fetchImpl(`/api/v1/uploads?${query.toString()}`, {
        method: 'POST',
        body: request.bytes,
        headers: { 'content-type': 'application/octet-stream' },
        credentials: 'same-origin',
      });
    } catch (error) {
      const detail = error instanceof Error ? ` (${error.message})` : '';
      throw new UploadError(`The connection to the server failed${detail}. Nothing of this part was lost: retry to resume.`, true);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const message = envelopeMessage(body) ?? `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
      throw new UploadError(message, isRetryable(response.status));
    }
    const answer = toChunkAnswer(body);
    if (!answer) throw new UploadError('The server answered with something that is not an upload result.', true);
    return answer;
  };
}
