// GET /api/v1/stream – Server-Sent Events: new batches, incident changes, connection state and a heartbeat
import { withApi } from '@/lib/http/guard';
import { liveHub } from '@/lib/live/hub';

export const dynamic = 'force-dynamic';

/** Comment lines keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export const GET = withApi('read', async ({ req, org }) => {
  const encoder = new TextEncoder();
  let cleanup = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) => controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      const hub = liveHub();
      send('hello', { org: org.slug, state: hub.state });
      const unsubscribe = hub.subscribe((m) => {
        if (m.type === 'state') send('state', { state: m.state });
        else if (m.org === org.id) send(m.type, { ...m, org: org.slug });
      });
      const heartbeat = setInterval(() => controller.enqueue(encoder.encode(`: ping ${Date.now()}\n\n`)), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      req.signal.addEventListener('abort', () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
  });
});
