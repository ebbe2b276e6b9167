'use server';

import { revalidatePath } from 'next/cache';
import type { FormState } from '@/app/actions/form-state';
import { roleAllows } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';
import { writeDetectionSettings } from '@/lib/incidents/queries/detection-settings';
import { scheduleDetection } from '@/lib/incidents/scheduler';
import { detectionSettingBounds, detectionSettingsPatchSchema } from '@/lib/incidents/schemas';
import { defaultDetectionSettings, type DetectionSettings } from '@/lib/incidents/types';
import { requestIp } from '@/lib/security/request-ip';

const PATH = '/settings/detection';
const keys = Object.keys(defaultDetectionSettings) as Array<keyof DetectionSettings>;

/** A form value as a number; the deferral rate is entered in percent. Empty or non-numeric text stays text so validation names it. */
function formNumber(form: FormData, key: keyof DetectionSettings): unknown {
  const raw = String(form.get(key) ?? '').trim();
  if (raw === '') return undefined;
  const n = Number(raw.replace(',', '.'));
  if (!Number.isFinite(n)) return raw;
  return key === 'minDeferralRate' ? Math.round(n * 100) / 10_000 : n;
}

/** What a value out of bounds is told, in the unit the form shows. */
function boundsMessage(key: keyof DetectionSettings): string {
  const { min, max } = detectionSettingBounds[key];
  if (key === 'minDeferralRate') return `Enter a percentage from ${min * 100} to ${max * 100}.`;
  if (key === 'baselineFactor') return `Enter a factor from ${min} to ${max}.`;
  return `Enter a whole number from ${min} to ${max.toLocaleString('en')}.`;
}

/** Saves the thresholds (administrators only), or restores the defaults when the "defaults" button was pressed. */
export async function saveDetectionSettingsAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { user, org } = await requirePageContext();
  if (!roleAllows(org.role, 'admin')) return { error: 'Only administrators can change detection thresholds.' };
  const isReset = form.get('intent') === 'defaults';
  const fieldErrors: Record<string, string> = {};
  const input = isReset ? { ...defaultDetectionSettings } : Object.fromEntries(keys.map((k) => [k, formNumber(form, k)]));
  for (const k of keys) if (input[k] === undefined) fieldErrors[k] = 'Enter a value.';
  const parsed = detectionSettingsPatchSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]) as keyof DetectionSettings;
      fieldErrors[key] ??= issue.code === 'invalid_type' ? 'Enter a number.' : boundsMessage(key);
    }
  }
  const values = Object.fromEntries(keys.map((k) => [k, String(form.get(k) ?? '')]));
  if (Object.keys(fieldErrors).length > 0 || !parsed.success) return { fieldErrors, values };
  const { tuneAfterMinutes = 0, escalateAfterMinutes = 0 } = parsed.data;
  if (escalateAfterMinutes <= tuneAfterMinutes) return { fieldErrors: { escalateAfterMinutes: `Must be more than “Tune retries after” (${tuneAfterMinutes} min).` }, values };
  await writeDetectionSettings(org.organizationId, parsed.data, { kind: 'user', id: user.id, email: user.email }, await requestIp());
  scheduleDetection(org.organizationId);
  revalidatePath(PATH);
  return { message: isReset ? 'Defaults restored. Detection uses them from its next run.' : 'Thresholds saved. Detection uses them from its next run.' };
}
