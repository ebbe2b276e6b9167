// GET /api/health – liveness and database reachability, for load balancers and `npm start` users
import { pool } from '@/lib/db/client';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  try {
    await pool().query('SELECT 1');
    return Response.json({ status: 'ok', db: 'ok' });
  } catch {
    return Response.json({ status: 'degraded', db: 'unreachable' }, { status: 503, headers: { 'Retry-After': '5' } });
  }
}
