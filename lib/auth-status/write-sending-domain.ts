import { db } from '@/lib/db/client';
import { ApiError } from '@/lib/http/errors';
import { isHostName } from './queries/list-sending-targets';

const SELECTOR = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/** Adds a sending domain, or replaces its configured DKIM selectors, so the checks cover it before any report names it. */
export async function writeSendingDomain(organizationId: string, domain: string, dkimSelectors: string[]): Promise<{ domain: string; dkimSelectors: string[] }> {
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!isHostName(name)) throw new ApiError('unprocessable', `"${domain}" is not a domain name such as example.com.`);
  const selectors = [...new Set(dkimSelectors.map((s) => s.trim().toLowerCase()).filter(Boolean))].sort();
  const bad = selectors.find((s) => !SELECTOR.test(s));
  if (bad !== undefined) throw new ApiError('unprocessable', `"${bad}" is not a DKIM selector (letters, digits, - and _ in dot-separated labels).`);
  await db().$executeRaw`
    INSERT INTO sending_domain (organization_id, domain, dkim_selectors) VALUES (${organizationId}::uuid, ${name}, ${selectors}::text[])
    ON CONFLICT (organization_id, domain) DO UPDATE SET dkim_selectors = EXCLUDED.dkim_selectors`;
  return { domain: name, dkimSelectors: selectors };
}
