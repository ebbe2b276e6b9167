import { z } from 'zod';
import { incidentStatuses } from './types';

/** POST /api/v1/incidents/{id}/notes: a timeline note with its own time and an optional provider reference (e.g. EX669123). */
export const incidentNoteSchema = z.object({
  text: z.string().trim().min(1).max(4000),
  at: z.iso.datetime({ offset: true }).optional(),
  providerReference: z.string().trim().min(1).max(200).optional(),
});
export type IncidentNoteInput = z.infer<typeof incidentNoteSchema>;

export const incidentActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acknowledge'), reason: z.string().trim().max(2000).optional() }),
  z.object({ action: z.literal('assign'), assignee: z.string().trim().min(1).max(320) }),
  z.object({ action: z.literal('resolve'), reason: z.string().trim().min(1).max(2000) }),
]);
export type IncidentActionInput = z.infer<typeof incidentActionSchema>;

export const incidentListQuerySchema = z.object({
  status: z.enum(incidentStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Bounds of each detection threshold (minutes unless said otherwise); the API and the settings page share them. */
export const detectionSettingBounds = {
  windowMinutes: { min: 1, max: 120 },
  minAttempts: { min: 1, max: 1_000_000 },
  minDeferralRate: { min: 0.01, max: 1 },
  baselineFactor: { min: 1, max: 100 },
  tuneAfterMinutes: { min: 1, max: 10_080 },
  escalateAfterMinutes: { min: 2, max: 20_160 },
  reopenWindowMinutes: { min: 0, max: 10_080 },
  drainQuietMinutes: { min: 1, max: 1_440 },
} as const;

const b = detectionSettingBounds;
const whole = (bounds: { min: number; max: number }) => z.number().int().min(bounds.min).max(bounds.max);
const fraction = (bounds: { min: number; max: number }) => z.number().min(bounds.min).max(bounds.max);

/** PATCH /api/v1/settings/detection: any subset of the thresholds; the result must still escalate after tuning. */
export const detectionSettingsPatchSchema = z.strictObject({
  windowMinutes: whole(b.windowMinutes).optional(),
  minAttempts: whole(b.minAttempts).optional(),
  minDeferralRate: fraction(b.minDeferralRate).optional(),
  baselineFactor: fraction(b.baselineFactor).optional(),
  tuneAfterMinutes: whole(b.tuneAfterMinutes).optional(),
  escalateAfterMinutes: whole(b.escalateAfterMinutes).optional(),
  reopenWindowMinutes: whole(b.reopenWindowMinutes).optional(),
  drainQuietMinutes: whole(b.drainQuietMinutes).optional(),
});
export type DetectionSettingsPatch = z.infer<typeof detectionSettingsPatchSchema>;
