import { z } from 'zod';

export const roles = ['admin', 'analyst', 'viewer'] as const;
export type RoleName = (typeof roles)[number];
export const tokenScopes = ['ingest', 'read'] as const;
export type TokenScopeName = (typeof tokenScopes)[number];

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'use 1–40 lower-case letters, digits and dashes, not starting or ending with a dash');

export const emailSchema = z.string().trim().toLowerCase().min(1, 'is required').email('is not an e-mail address').max(254);

export const passwordSchema = z.string().min(10, 'use at least 10 characters').max(1024, 'use at most 1024 characters');

export const orgNameSchema = z.string().trim().min(1, 'is required').max(100);

export const tokenNameSchema = z.string().trim().min(1, 'is required').max(80);
