import { expect, test } from 'vitest';
import { UploadError, type ChunkRequest } from './file-upload';
import { createSendChunk, envelopeMessage, toChunkAnswer } from './send-chunk';

const request: ChunkRequest = {
  filename: 'mail log.txt', format: 'auto', uploadId: 'abcdef0123456789', offset: 4194304, lineOffset: 31000,
  bytes: new TextEncoder().encode('Oct 28 12:19:32 mail postfix/smtp[39032]: 213A0C01A2: to=<a@hotmail.com>\n'),
};

const answer = { batchId: 'b1', format: 'postfix', formatReason: 'postfix/… process names', accepted: 1, duplicates: 0, rejected: 1, errors: [{ line: 31002, reason: 'no status=' }], bytes: 75, lines: 1, uploadId: 'abcdef0123456789' };

function fetchAnswering(status: number, body: unknown, calls: Array<{ url: string; init: RequestInit | undefined }> = []): typeof fetch {
  return async (input, init) => {
    calls.push({ url: String(input), init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
}

test('a chunk is POSTed with its name, format, upload id and offsets in the query, raw bytes as the body', async () => {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const result = await createSendChunk(fetchAnswering(200, answer, calls))(request);
  expect(result).toEqual({ format: 'postfix', formatReason: 'postfix/… process names', accepted: 1, duplicates: 0, rejected: 1, errors: [{ line: 31002, reason: 'no status=' }] });
  const url = new URL(calls[0]?.url ?? '', 'http://localhost');
  expect(url.pathname).toBe('/api/v1/uploads');
  expect(Object.fromEntries(url.searchParams)).toEqual({ filename: 'mail log.txt', format: 'auto', uploadId: 'abcdef0123456789', offset: '4194304', lineOffset: '31000' });
  expect(calls[0]?.init?.method).toBe('POST');
  expect(calls[0]?.init?.body).toBe(request.bytes);
});

test("a 4xx carries the server's own message and is final", async () => {
  const message = 'Could not detect the format of this data. Accepted formats: postfix, exim; name one with ?format=.';
  const send = createSendChunk(fetchAnswering(422, { error: { code: 'unprocessable', message } }));
  await expect(send(request)).rejects.toEqual(new UploadError(message, false));
  await expect(send(request)).rejects.toMatchObject({ canRetry: false });
});

test('503, 500 and 429 may be retried; a body that is not the envelope still gives a message', async () => {
  await expect(createSendChunk(fetchAnswering(503, { error: { code: 'unavailable', message: 'The database is restarting.' } }))(request))
    .rejects.toMatchObject({ message: 'The database is restarting.', canRetry: true });
  await expect(createSendChunk(fetchAnswering(500, '<html>Bad gateway</html>'))(request)).rejects.toMatchObject({ message: 'The server answered 500.', canRetry: true });
  await expect(createSendChunk(fetchAnswering(429, { error: { code: 'rate_limited', message: 'Slow down.' } }))(request)).rejects.toMatchObject({ canRetry: true });
});

test('a network failure is retryable and says so', async () => {
  const send = createSendChunk(async () => {
    throw new TypeError('Failed to fetch');
  });
  await expect(send(request)).rejects.toMatchObject({ canRetry: true, message: expect.stringMatching(/Failed to fetch.*retry/) });
});

test('a 200 answer of the wrong shape is not trusted', async () => {
  await expect(createSendChunk(fetchAnswering(200, { ...answer, format: 'smoke-signals' }))(request)).rejects.toMatchObject({ canRetry: true });
  expect(toChunkAnswer({ ...answer, errors: [{ line: '3', reason: 'x' }] })).toBeNull();
  expect(toChunkAnswer({ ...answer, accepted: '1' })).toBeNull();
  expect(toChunkAnswer(null)).toBeNull();
  expect(toChunkAnswer({ ...answer, format: undefined })).toBeNull();
  expect(envelopeMessage({ error: 'flat' })).toBeNull();
});

test('a DMARC report stored by the uploads route is an answer too', () => {
  const dmarc = { kind: 'dmarc-report', format: 'dmarc', stored: true, accepted: 1, duplicates: 0, rejected: 0, errors: [] };
  expect(toChunkAnswer(dmarc)).toEqual({ format: 'dmarc', formatReason: 'DMARC aggregate report', accepted: 1, duplicates: 0, rejected: 0, errors: [] });
});
