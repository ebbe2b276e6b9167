'use server';

import { revalidatePath } from 'next/cache';
import { canIngest } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';
import { loadDemo } from '@/lib/demo/load-demo';
import type { FormState } from './form-state';

/** Loads the demo day (with its Microsoft 365 S77714 incident) into the current organisation; analysts and admins only. */
export async function loadDemoAction(): Promise<FormState> {
  const { org } = await requirePageContext();
  if (!canIngest(org.role)) return { error: 'Only analysts and administrators can load data.' };
  const r = await loadDemo(org.organizationId);
  revalidatePath('/');
  if (r.rejected > 0) {
    console.error(`[demo] ${r.rejected} demo events rejected: ${JSON.stringify(r.errors.slice(0, 5))}`);
    return { error: `Demo data loaded, but ${r.rejected} events were rejected; see the server log.` };
  }
  return { message: r.accepted > 0 ? `Loaded ${r.accepted.toLocaleString('en')} demo events.` : 'The demo data was already loaded.' };
}
