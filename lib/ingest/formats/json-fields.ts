import type { z } from 'zod';

/** Field helpers shared by the parsers of JSON webhook payloads. */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first three schema issues as `field.path: message`, under `prefix` (a field path, with or without a trailing dot). */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${[prefix.replace(/\.$/, ''), ...issue.path.map(String)].filter((p) => p !== '').join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
}

/** Trimmed text, or null when empty. */
export function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}
