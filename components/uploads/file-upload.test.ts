import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { readCorpusBytes } from '@/lib/test-support/corpus';
import { FileUpload, newUploadId, UploadError, type ChunkAnswer, type ChunkRequest, type UploadSnapshot } from './file-upload';

const LOG = 'postfix/lightmeter/6_deferred_message_retry.log';

/** A stand-in for the server: one accepted event per line of each chunk, one rejected line per chunk. */
function fakeServer(failures: Array<Error | null> = []) {
  const requests: ChunkRequest[] = [];
  const send = async (request: ChunkRequest): Promise<ChunkAnswer> => {
    requests.push(request);
    const failure = failures.shift();
    if (failure) throw failure;
    const lines = Buffer.from(request.bytes).toString('utf8').split('\n').filter((l) => l !== '').length;
    return {
      format: 'postfix',
      formatReason: 'postfix/… process names',
      accepted: lines - 1,
      duplicates: 0,
      rejected: 1,
      errors: [{ line: request.lineOffset + 1, reason: `first line of the chunk at ${request.offset}` }],
    };
  };
  return { requests, send };
}

test('a file goes up chunk by chunk: format=auto first, then the detected format, and the totals add up', async () => {
  const log = readCorpusBytes(LOG);
  const server = fakeServer();
  const seen: UploadSnapshot[] = [];
  const upload = new FileUpload(new File([new Uint8Array(log)], 'retry.log'), server.send, (s) => seen.push(s), { chunkBytes: 2048 });
  await upload.run();

  const lines = log.toString('utf8').split('\n').filter((l) => l !== '').length;
  const chunks = server.requests.length;
  expect(chunks).toBeGreaterThan(3);
  expect(server.requests.map((r) => r.format)).toEqual(['auto', ...Array<string>(chunks - 1).fill('postfix')]);
  expect(new Set(server.requests.map((r) => r.uploadId))).toEqual(new Set([upload.uploadId]));
  expect(Buffer.concat(server.requests.map((r) => Buffer.from(r.bytes))).equals(log)).toBe(true);
  expect(upload.snapshot).toMatchObject({
    status: 'done', format: 'postfix', chunksDone: chunks, accepted: lines - chunks, rejected: chunks, fileBytesDone: log.length, error: null,
  });
  expect(upload.snapshot.errors.map((e) => e.line)).toEqual(server.requests.map((r) => r.lineOffset + 1));
  expect(seen[0]?.status).toBe('running');
  const progress = seen.map((s) => s.fileBytesDone);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
});

test('after a network failure, retry resumes with the failed chunk and sends nothing before it again', async () => {
  const log = readCorpusBytes(LOG);
  const server = fakeServer([null, new UploadError('The connection to the server failed.', true)]);
  const upload = new FileUpload(new File([new Uint8Array(log)], 'retry.log'), server.send, () => undefined, { chunkBytes: 4096 });
  await upload.run();
  expect(upload.snapshot).toMatchObject({ status: 'failed', chunksDone: 1, error: { message: 'The connection to the server failed.', canRetry: true } });
  const failedOffset = server.requests[1]?.offset;
  expect(failedOffset).toBeGreaterThan(0);

  await upload.run();
  expect(upload.snapshot.status).toBe('done');
  const offsets = server.requests.map((r) => r.offset);
  expect(offsets[2]).toBe(failedOffset);
  expect(new Set(offsets).size).toBe(offsets.length - 1);
  expect(upload.snapshot.chunksDone).toBe(Math.ceil(log.length / 4096));
});

test('a refusal that cannot succeed again (422) is final', async () => {
  const server = fakeServer([new UploadError('Could not detect the format of this data.', false)]);
  const upload = new FileUpload(new File(['\u0089PNG\r\n\u001a\n'], 'logo.png'), server.send, () => undefined);
  await upload.run();
  expect(upload.snapshot).toMatchObject({ status: 'failed', error: { message: 'Could not detect the format of this data.', canRetry: false } });
  await upload.run();
  expect(server.requests).toHaveLength(1);
});

test('an unexpected exception from sending is offered for retry', async () => {
  const server = fakeServer([new TypeError('Failed to fetch')]);
  const upload = new FileUpload(new File(['a line\n'], 'a.log'), server.send, () => undefined);
  await upload.run();
  expect(upload.snapshot.error).toEqual({ message: 'Failed to fetch', canRetry: true });
});

test('an empty file is not sent', async () => {
  const server = fakeServer();
  const upload = new FileUpload(new File([], 'empty.log'), server.send, () => undefined);
  await upload.run();
  expect(upload.snapshot.error?.message).toMatch(/empty/);
  expect(server.requests).toHaveLength(0);
});

test('a corrupt gzip file fails with a read error that cannot be retried', async () => {
  const gz = gzipSync(readCorpusBytes(LOG));
  const server = fakeServer();
  const upload = new FileUpload(new File([new Uint8Array(gz.subarray(0, 300)), new Uint8Array(300).fill(9)], 'broken.log.gz'), server.send, () => undefined);
  await upload.run();
  expect(upload.snapshot.status).toBe('failed');
  expect(upload.snapshot.error?.message).toMatch(/^Could not read the file/);
  expect(upload.snapshot.error?.canRetry).toBe(false);
});

test('upload ids fit the API pattern and differ', () => {
  const a = newUploadId();
  expect(a).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  expect(newUploadId()).not.toBe(a);
});
