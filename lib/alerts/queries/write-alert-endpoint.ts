import { randomBytes } from 'node:crypto';
import { db } from '@/lib/db/client';
import type { AlertEndpointInput } from '../schemas';

/** Adds a webhook endpoint to the organisation; returns its id and the secret (generated when none was given). */
export async function writeAlertEndpoint(organizationId: string, input: AlertEndpointInput, createdBy: string): Promise<{ id: string; secret: string }> {
  const secret = input.secret ?? randomBytes(32).toString('base64url');
  const rows = await db().$queryRaw<Array<{ id: string }>>`
    INSERT INTO alert_endpoint (id, organization_id, name, url, kind, secret, created_by)
    VALUES (gen_random_uuid(), ${organizationId}::uuid, ${input.name}, ${input.url}, ${input.kind}::alert_endpoint_kind, ${secret}, ${createdBy})
    RETURNING id::text`;
  const id = rows[0]?.id;
  if (!id) throw new Error('the endpoint insert returned no row');
  return { id, secret };
}
