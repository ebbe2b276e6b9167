// GET /api/v1/whoami – who the caller is: organisation and user role or token scope (checks a token works)
import { withApi } from '@/lib/http/guard';

export const dynamic = 'force-dynamic';

export const GET = withApi('identify', async ({ org, principal }) =>
  Response.json({
    organization: org.slug,
    principal: principal.kind === 'user' ? { kind: 'user', email: principal.email, role: principal.role } : { kind: 'token', scope: principal.scope },
  }),
);
