import { writeAuditEntry } from '@/lib/audit/write-audit-entry';
import type { AuditActor } from '@/lib/audit/types';
import { db } from '@/lib/db/client';
import { ApiError } from '@/lib/http/errors';
import type { DetectionSettingsPatch } from '../schemas';
import { toSettings, type IncidentSettingRow } from '../settings';
import { defaultDetectionSettings, type DetectionSettings } from '../types';

export interface DetectionSettingsDto {
  settings: DetectionSettings;
  defaults: DetectionSettings;
  /** The last change of a threshold and who made it; null while nobody has changed one. */
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The organisation's detection thresholds (the defaults until someone changes one), with the last change from the audit log. */
export async function getDetectionSettings(organizationId: string): Promise<DetectionSettingsDto> {
  const [rows, lastChange] = await Promise.all([
    db().$queryRaw<IncidentSettingRow[]>`SELECT * FROM incident_setting WHERE organization_id = ${organizationId}::uuid`,
    db().auditEntry.findFirst({
      where: { organizationId, action: 'settings.detection-changed' },
      orderBy: { occurredAt: 'desc' },
      select: { occurredAt: true, actorLabel: true },
    }),
  ]);
  return {
    settings: toSettings(rows[0]),
    defaults: defaultDetectionSettings,
    updatedAt: lastChange?.occurredAt.toISOString() ?? null,
    updatedBy: lastChange?.actorLabel ?? null,
  };
}

const keys = Object.keys(defaultDetectionSettings) as Array<keyof DetectionSettings>;

/**
 * Changes some thresholds; the others keep their value. Escalation must come after tuning, checked on the merged
 * result. Detection reads the thresholds at its next run (after the next batch or within a minute); the change is
 * audited as `key: before → after`.
 */
export async function writeDetectionSettings(organizationId: string, patch: DetectionSettingsPatch, actor: AuditActor, ip: string | null): Promise<DetectionSettingsDto> {
  const before = (await getDetectionSettings(organizationId)).settings;
  const after: DetectionSettings = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  if (after.escalateAfterMinutes <= after.tuneAfterMinutes) {
    throw new ApiError('unprocessable', `escalateAfterMinutes: must be more than tuneAfterMinutes (${after.tuneAfterMinutes}).`, [
      { field: 'escalateAfterMinutes', message: `must be more than tuneAfterMinutes (${after.tuneAfterMinutes})` },
    ]);
  }
  const changed = keys.filter((k) => before[k] !== after[k]);
  if (changed.length > 0) {
    await db().$executeRaw`
      INSERT INTO incident_setting (organization_id, window_minutes, min_attempts, min_deferral_rate, baseline_factor, tune_after_minutes,
        escalate_after_minutes, reopen_window_minutes, drain_quiet_minutes, updated_at)
      VALUES (${organizationId}::uuid, ${after.windowMinutes}, ${after.minAttempts}, ${after.minDeferralRate}, ${after.baselineFactor},
        ${after.tuneAfterMinutes}, ${after.escalateAfterMinutes}, ${after.reopenWindowMinutes}, ${after.drainQuietMinutes}, now())
      ON CONFLICT (organization_id) DO UPDATE SET
        window_minutes = EXCLUDED.window_minutes, min_attempts = EXCLUDED.min_attempts, min_deferral_rate = EXCLUDED.min_deferral_rate,
        baseline_factor = EXCLUDED.baseline_factor, tune_after_minutes = EXCLUDED.tune_after_minutes,
        escalate_after_minutes = EXCLUDED.escalate_after_minutes, reopen_window_minutes = EXCLUDED.reopen_window_minutes,
        drain_quiet_minutes = EXCLUDED.drain_quiet_minutes, updated_at = now()`;
    const details = Object.fromEntries(changed.map((k) => [k, `${before[k]} → ${after[k]}`]));
    await writeAuditEntry(organizationId, actor, 'settings.detection-changed', 'detection thresholds', details, ip);
  }
  return getDetectionSettings(organizationId);
}
