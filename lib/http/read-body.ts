import { ApiError } from './errors';

/** Reads a whole request body, refusing more than maxBytes while reading (for bodies that must be seen whole, e.g. to check a signature). */
export async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  const length = req.headers.get('content-length');
  if (length !== null && Number(length) > maxBytes) throw new ApiError('payload_too_large', `The body (${length} bytes) is larger than the limit of ${maxBytes} bytes.`);
  if (!req.body) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ApiError('payload_too_large', `The body is larger than the limit of ${maxBytes} bytes.`);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}
