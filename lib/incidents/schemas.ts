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
