import type { FormatName } from '@/lib/ingest/types';
import { fileChunks, type ChunkOptions, type FileChunk } from './chunk-file';

export interface RejectedLine {
  line: number;
  reason: string;
}

/** A log or event format, or `dmarc` for a DMARC aggregate report the uploads route stored. */
export type AnswerFormat = FormatName | 'dmarc';

/** The part of the POST /api/v1/uploads answer the page uses. */
export interface ChunkAnswer {
  format: AnswerFormat;
  formatReason: string | null;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: RejectedLine[];
}

export interface ChunkRequest {
  filename: string;
  format: FormatName | 'auto';
  uploadId: string;
  offset: number;
  lineOffset: number;
  bytes: Uint8Array<ArrayBuffer>;
}

export type SendChunk = (request: ChunkRequest) => Promise<ChunkAnswer>;

/** A failed chunk: `canRetry` when sending the same chunk again may work (network, 5xx, 429). */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    message: string,
    readonly canRetry: boolean,
  ) {
    super(message);
  }
}

export type UploadStatus = 'queued' | 'running' | 'done' | 'failed';

export interface UploadSnapshot {
  status: UploadStatus;
  format: AnswerFormat | null;
  formatReason: string | null;
  /** Bytes of the file (compressed, for gzip) whose chunks the server has stored. */
  fileBytesDone: number;
  chunksDone: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Rejected lines the server listed, across all chunks (it lists the first 100 of each). */
  errors: RejectedLine[];
  error: { message: string; canRetry: boolean } | null;
  /** Time spent sending, for the rates shown while running. */
  runningMs: number;
}

/** 32 hex digits: fits the API's 8–64 `[A-Za-z0-9_-]` upload id. */
export function newUploadId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Uploads one file chunk by chunk, one request at a time. The first chunk is sent with format=auto,
 * the rest with the format the server detected. After a retryable failure the failed chunk is kept
 * and `run()` again resumes with it: re-sending is safe because the server deduplicates events.
 */
export class FileUpload {
  readonly uploadId: string;
  private state: UploadSnapshot = {
    status: 'queued', format: null, formatReason: null, fileBytesDone: 0, chunksDone: 0,
    accepted: 0, duplicates: 0, rejected: 0, errors: [], error: null, runningMs: 0,
  };
  private readonly progress = { fileBytes: 0 };
  private chunks: AsyncGenerator<FileChunk> | null = null;
  private held: { chunk: FileChunk; fileBytes: number } | null = null;

  constructor(
    readonly file: File,
    private readonly send: SendChunk,
    private readonly onChange: (snapshot: UploadSnapshot) => void,
    private readonly options: ChunkOptions & { uploadId?: string } = {},
  ) {
    this.uploadId = options.uploadId ?? newUploadId();
  }

  get snapshot(): UploadSnapshot {
    return this.state;
  }

  private update(patch: Partial<UploadSnapshot>): void {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }

  /** Sends the remaining chunks; resolves when the file is done or a chunk failed. */
  async run(): Promise<void> {
    if (this.state.status === 'running' || this.state.status === 'done') return;
    if (this.state.error && !this.state.error.canRetry) return;
    const startedAt = Date.now();
    const baseMs = this.state.runningMs;
    const elapsed = () => baseMs + (Date.now() - startedAt);
    this.update({ status: 'running', error: null });
    this.chunks ??= fileChunks(this.file, this.progress, this.options);

    for (;;) {
      let item = this.held;
      if (!item) {
        let next: IteratorResult<FileChunk>;
        try {
          next = await this.chunks.next();
        } catch (error) {
          this.update({ status: 'failed', error: { message: `Could not read the file: ${errorText(error)}`, canRetry: false }, runningMs: elapsed() });
          return;
        }
        if (next.done) break;
        item = { chunk: next.value, fileBytes: Math.min(this.progress.fileBytes, this.file.size) };
        this.held = item;
      }
      let answer: ChunkAnswer;
      try {
        answer = await this.send({
          filename: this.file.name,
          format: this.state.format === null || this.state.format === 'dmarc' ? 'auto' : this.state.format,
          uploadId: this.uploadId,
          offset: item.chunk.offset,
          lineOffset: item.chunk.lineOffset,
          bytes: item.chunk.bytes,
        });
      } catch (error) {
        const failure = error instanceof UploadError ? error : new UploadError(errorText(error), true);
        this.update({ status: 'failed', error: { message: failure.message, canRetry: failure.canRetry }, runningMs: elapsed() });
        return;
      }
      this.held = null;
      this.update({
        format: this.state.format ?? answer.format,
        formatReason: this.state.formatReason ?? answer.formatReason,
        fileBytesDone: item.fileBytes,
        chunksDone: this.state.chunksDone + 1,
        accepted: this.state.accepted + answer.accepted,
        duplicates: this.state.duplicates + answer.duplicates,
        rejected: this.state.rejected + answer.rejected,
        errors: answer.errors.length > 0 ? [...this.state.errors, ...answer.errors] : this.state.errors,
        runningMs: elapsed(),
      });
    }
    if (this.state.chunksDone === 0) {
      this.update({ status: 'failed', error: { message: 'The file is empty: nothing to upload.', canRetry: false }, runningMs: elapsed() });
      return;
    }
    this.update({ status: 'done', fileBytesDone: this.file.size, runningMs: elapsed() });
  }
}
