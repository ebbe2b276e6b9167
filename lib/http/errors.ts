import { ZodError } from 'zod';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The one error type route handlers throw; answered as the DESIGN.md envelope. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
  get status(): number {
    return statusOf[this.code];
  }
}

/** Database unreachable or restarting: clients should retry. */
function isDatabaseDown(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message} ${(error as { code?: string }).code ?? ''}` : '';
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P01|57P03|Connection terminated|not queryable|connect ECONN|timeout exceeded when trying to connect|DatabaseNotReachable|P1001|P1017|P2028|Unable to start a transaction/i.test(text);
}

/** Maps any thrown value to the error envelope; internals are logged, never sent. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    return Response.json(
      { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } },
      { status: error.status, headers: error.headers },
    );
  }
  if (error instanceof ZodError) {
    const details = error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    const first = details[0];
    return Response.json(
      { error: { code: 'unprocessable', message: first ? `${first.field || 'body'}: ${first.message}` : 'Invalid input', details } },
      { status: 422 },
    );
  }
  if (isDatabaseDown(error)) {
    console.warn(`[db unavailable] ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return Response.json(
      { error: { code: 'unavailable', message: 'The database is unavailable; retry shortly.' } },
      { status: 503, headers: { 'Retry-After': '5' } },
    );
  }
  console.error('[internal error]', error);
  return Response.json({ error: { code: 'internal', message: 'Internal error' } }, { status: 500 });
}
