import { z } from 'zod';
import { alertEndpointKinds } from './payload';

/** A new webhook endpoint. Without a secret, one is generated (and shown once). */
export const alertEndpointInputSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(80),
  url: z
    .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
    .max(2000),
  kind: z.enum(alertEndpointKinds),
  secret: z.string().trim().min(16, 'use at least 16 characters, or leave it empty to generate one').max(200).optional(),
});
export type AlertEndpointInput = z.infer<typeof alertEndpointInputSchema>;
