'use server';

import { revalidatePath } from 'next/cache';
import type { FormState } from '@/app/actions/form-state';
import { canAnnotateIncident } from '@/lib/auth/permissions';
import { writeAuditEntry } from '@/lib/audit/write-audit-entry';
import { requirePageContext } from '@/lib/auth/session';
import { ApiError } from '@/lib/http/errors';
import { writeIncidentAnnotation, type IncidentAnnotation } from '@/lib/incidents/queries/write-incident-annotation';
import { incidentActionSchema, incidentNoteSchema } from '@/lib/incidents/schemas';

const text = (form: FormData, name: string): string | undefined => {
  const v = form.get(name);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
};

/** A `datetime-local` value ("2023-10-11T02:17") is read as UTC, the time zone the whole page shows. */
function utcFromLocalInput(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value;
}

/** Checks the role where the change is made, records it under the user's e-mail, and refreshes the page. */
async function annotate(incidentId: string, input: IncidentAnnotation, done: string): Promise<FormState> {
  const { user, org } = await requirePageContext();
  if (!canAnnotateIncident(org.role)) return { error: `Your role (${org.role}) can read incidents but not change them.` };
  try {
    await writeIncidentAnnotation(org.organizationId, incidentId, user.email, input);
    if (input.action === 'resolve') await writeAuditEntry(org.organizationId, { kind: 'user', id: user.id, email: user.email }, 'incident.resolved', incidentId, { reason: input.reason });
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'not_found' || error.code === 'conflict')) return { error: error.message };
    throw error;
  }
  revalidatePath(`/incidents/${incidentId}`);
  return { message: done };
}

const fieldError = (path: PropertyKey | undefined, message: string): FormState => ({ fieldErrors: { [String(path ?? 'text')]: message } });

/** Adds a timeline note, optionally at its own time and with the provider's reference (e.g. EX669123). */
export async function addNoteAction(incidentId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = incidentNoteSchema.safeParse({ text: text(form, 'text') ?? '', at: utcFromLocalInput(text(form, 'at')), providerReference: text(form, 'providerReference') });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    return fieldError(field, field === 'at' ? 'Give a date and time, or leave it empty for now.' : field === 'providerReference' ? 'At most 200 characters.' : 'Write the note (at most 4000 characters).');
  }
  return annotate(incidentId, { action: 'note', ...parsed.data }, 'Note added.');
}

export async function acknowledgeAction(incidentId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = incidentActionSchema.safeParse({ action: 'acknowledge', reason: text(form, 'reason') });
  if (!parsed.success) return fieldError('reason', 'At most 2000 characters.');
  return annotate(incidentId, parsed.data, 'Acknowledged.');
}

export async function assignAction(incidentId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const assignee = (text(form, 'assignee') ?? '').trim();
  const parsed = incidentActionSchema.safeParse({ action: 'assign', assignee });
  if (!parsed.success) return fieldError('assignee', 'Name the person (e-mail or name, at most 320 characters).');
  return annotate(incidentId, parsed.data, `Assigned to ${assignee}.`);
}

export async function resolveAction(incidentId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const parsed = incidentActionSchema.safeParse({ action: 'resolve', reason: text(form, 'reason') ?? '' });
  if (!parsed.success) return fieldError('reason', 'Say why it is resolved (at most 2000 characters).');
  return annotate(incidentId, parsed.data, 'Resolved.');
}
