// GET /api/v1/events/export – the filtered events (same filters as GET /api/v1/events) as a streamed CSV, at most 100 000 rows
import { eventCsvHeader, eventCsvRow, MAX_EXPORT_ROWS, truncatedNote } from '@/components/metrics/events-csv';
import { withApi } from '@/lib/http/guard';
import { eventFilterFromSearchParams, listEvents } from '@/lib/ingest/queries/list-events';

export const dynamic = 'force-dynamic';

/** Rows fetched per keyset page while streaming. */
const PAGE_ROWS = 1_000;

export const GET = withApi('read', async ({ req, org }) => {
  const filter = { ...eventFilterFromSearchParams(new URL(req.url).searchParams), cursor: undefined, limit: PAGE_ROWS };
  // The first page is read before answering, so a bad filter or a database error still gets the error envelope.
  let page = await listEvents(org.id, filter);
  let written = 0;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(eventCsvHeader()));
    },
    async pull(controller) {
      const room = MAX_EXPORT_ROWS - written;
      const rows = page.events.slice(0, room);
      if (rows.length > 0) controller.enqueue(encoder.encode(rows.map(eventCsvRow).join('')));
      written += rows.length;
      if (written >= MAX_EXPORT_ROWS && (page.events.length > rows.length || page.nextCursor)) {
        controller.enqueue(encoder.encode(truncatedNote(MAX_EXPORT_ROWS)));
        controller.close();
        return;
      }
      if (!page.nextCursor) {
        controller.close();
        return;
      }
      page = await listEvents(org.id, { ...filter, cursor: page.nextCursor, limit: Math.min(PAGE_ROWS, MAX_EXPORT_ROWS - written) });
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="deferral-desk-events-${org.slug}-${stamp}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
});
