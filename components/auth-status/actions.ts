'use server';

import { revalidatePath } from 'next/cache';
import type { FormState } from '@/app/actions/form-state';
import { canIngest, roleAllows } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';
import { runAuthChecks } from '@/lib/auth-status/run-checks';
import { resolverFromEnv } from '@/lib/auth-status/scheduler';
import { writeSendingDomain } from '@/lib/auth-status/write-sending-domain';
import { ApiError } from '@/lib/http/errors';

/** Runs the DNS checks of the current organisation now (analysts and administrators). */
export async function runChecksAction(_prev: FormState): Promise<FormState> {
  const { org } = await requirePageContext();
  if (!canIngest(org.role)) return { error: 'Only analysts and administrators can run the checks.' };
  const run = await runAuthChecks(org.organizationId, { resolver: resolverFromEnv() });
  revalidatePath('/authentication');
  const changes = run.changes.length === 0 ? 'no change since the previous run' : `${run.changes.length} change(s): ${run.changes.map((c) => c.summary).join('; ')}`;
  return { message: `Checked ${run.domains.length} domain(s) and ${run.ips.length} IP(s): ${changes}.` };
}

/** Adds a sending domain with its DKIM selectors (administrators: it changes what is checked). */
export async function addSendingDomainAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { org } = await requirePageContext();
  if (!roleAllows(org.role, 'admin')) return { error: 'Only administrators can add sending domains.' };
  const selectors = String(form.get('selectors') ?? '').split(/[\s,]+/);
  try {
    const saved = await writeSendingDomain(org.organizationId, String(form.get('domain') ?? ''), selectors);
    revalidatePath('/authentication');
    return { message: `${saved.domain} added${saved.dkimSelectors.length > 0 ? ` with selector(s) ${saved.dkimSelectors.join(', ')}` : ''}. Run the checks to see its status.` };
  } catch (error) {
    if (error instanceof ApiError) return { fieldErrors: { domain: error.message } };
    throw error;
  }
}
