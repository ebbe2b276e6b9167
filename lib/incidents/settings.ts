import { defaultDetectionSettings, type DetectionSettings } from './types';

/** An incident_setting row as SQL returns it. */
export interface IncidentSettingRow {
  window_minutes: number;
  min_attempts: number;
  min_deferral_rate: number;
  baseline_factor: number;
  tune_after_minutes: number;
  escalate_after_minutes: number;
  reopen_window_minutes: number;
  drain_quiet_minutes: number;
}

/** The organisation's thresholds, or the defaults when it has none. */
export function toSettings(row: IncidentSettingRow | undefined): DetectionSettings {
  if (!row) return defaultDetectionSettings;
  return {
    windowMinutes: row.window_minutes,
    minAttempts: row.min_attempts,
    minDeferralRate: row.min_deferral_rate,
    baselineFactor: row.baseline_factor,
    tuneAfterMinutes: row.tune_after_minutes,
    escalateAfterMinutes: row.escalate_after_minutes,
    reopenWindowMinutes: row.reopen_window_minutes,
    drainQuietMinutes: row.drain_quiet_minutes,
  };
}
