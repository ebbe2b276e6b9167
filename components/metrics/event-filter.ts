import { eventFilterSchema, type EventFilter } from '@/lib/ingest/queries/list-events';
import { param, type SearchParams, type TimeRange } from './time-range';

/** Events per explorer page. */
export const EVENTS_PAGE_SIZE = 50;
/** The filter fields of the explorer, as URL parameters (the time range comes from `range`/`from`/`to`). */
export const eventFilterFields = ['provider', 'ip', 'domain', 'outcome', 'signature', 'kbRule'] as const;

export type PageEventFilter = { ok: true; filter: EventFilter; isFiltered: boolean } | { ok: false; errors: string[] };

/**
 * The explorer's filter from the page URL and its time range, validated by the same schema as
 * GET /api/v1/events, so the page and the API (and the CSV export) select the same events.
 */
export function eventFilterFromPage(params: SearchParams, range: TimeRange): PageEventFilter {
  const raw: Record<string, unknown> = { from: range.from, to: range.to, limit: EVENTS_PAGE_SIZE, cursor: param(params, 'cursor') };
  for (const f of eventFilterFields) raw[f] = param(params, f)?.trim() || undefined;
  const parsed = eventFilterSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  return { ok: true, filter: parsed.data, isFiltered: eventFilterFields.some((f) => parsed.data[f] !== undefined) };
}

/** Query parameters of the API calls (list and CSV export) that return the events a page shows. */
export function eventApiParams(filter: EventFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of eventFilterFields) {
    const v = filter[f];
    if (v !== undefined) out[f] = v;
  }
  if (filter.from) out.from = filter.from.toISOString();
  if (filter.to) out.to = filter.to.toISOString();
  return out;
}
