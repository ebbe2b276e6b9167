import type { z } from 'zod';

/** Parses a request's query string with a zod object schema; errors name the parameter (422). */
export function parseQuery<S extends z.ZodType>(req: Request | URLSearchParams, schema: S): z.infer<S> {
  const params = req instanceof URLSearchParams ? req : new URL(req.url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (value !== '') raw[key] = value;
  return schema.parse(raw);
}
