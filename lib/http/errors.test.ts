import { describe, expect, it, vi } from 'vitest';
import { Prisma } from '@/lib/generated/prisma/client';
import { errorResponse } from './errors';

describe('errorResponse', () => {
  it('answers 503 with Retry-After when the pool has no connection to give, and logs why', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const response = errorResponse(new Error('timeout exceeded when trying to connect'));
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(await response.json()).toEqual({ error: { code: 'unavailable', message: 'The database is unavailable; retry shortly.' } });
    expect(warn).toHaveBeenCalledWith('[db unavailable] timeout exceeded when trying to connect');
    warn.mockRestore();
  });

  it('answers 503 when a transaction could not start in time (P2028)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = new Prisma.PrismaClientKnownRequestError('Transaction API error: Unable to start a transaction in the given time.', {
      code: 'P2028',
      clientVersion: Prisma.prismaVersion.client,
    });
    expect(errorResponse(error).status).toBe(503);
    warn.mockRestore();
  });

  it('answers 500 without internals for anything else', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = errorResponse(new Error('column "secret" does not exist'));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: 'internal', message: 'Internal error' } });
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});
