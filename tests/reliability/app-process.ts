// An app process for the reliability tests: the real route handlers of ingestion, uploads and the SSE stream
// served by node:http (no Next.js router, so it starts in a second and needs no build), plus a test-only
// POST /detect?now= that runs incident detection for every organisation. Prints `ready <port>` when listening.
import http from 'node:http';
import { Readable } from 'node:stream';
import { POST as postEvents } from '@/app/api/v1/events/route';
import { GET as getStream } from '@/app/api/v1/stream/route';
import { POST as postUpload } from '@/app/api/v1/uploads/route';
import { db } from '@/lib/db/client';
import { runDetection } from '@/lib/incidents/run-detection';

type Handler = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;
const routes: Record<string, Handler> = {
  'POST /api/v1/events': postEvents,
  'POST /api/v1/uploads': postUpload,
  'GET /api/v1/stream': getStream,
};

// As `next start` does (router-server.js): an uncaught exception is logged, the server carries on.
process.on('uncaughtException', (error) => console.error(`uncaughtException: ${error.message}`));

async function detect(now: Date): Promise<Response> {
  const orgs = await db().organization.findMany({ select: { id: true } });
  const runs = [];
  for (const org of orgs) runs.push(await runDetection(org.id, now));
  return Response.json({ runs });
}

const server = http.createServer((incoming, outgoing) => {
  void (async () => {
    const url = new URL(incoming.url ?? '/', `http://127.0.0.1`);
    const controller = new AbortController();
    incoming.on('close', () => controller.abort());
    outgoing.on('close', () => controller.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value);
    const hasBody = incoming.method === 'POST';
    const req = new Request(url, {
      method: incoming.method,
      headers,
      signal: controller.signal,
      ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    } as RequestInit);
    let res: Response;
    if (incoming.method === 'POST' && url.pathname === '/detect') res = await detect(new Date(url.searchParams.get('now') ?? Date.now()));
    else {
      const handler = routes[`${incoming.method} ${url.pathname}`];
      res = handler ? await handler(req, { params: Promise.resolve({}) }) : Response.json({ error: { code: 'not_found' } }, { status: 404 });
    }
    outgoing.writeHead(res.status, Object.fromEntries(res.headers));
    if (res.body) for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) outgoing.write(chunk);
    outgoing.end();
  })().catch((error: unknown) => {
    console.error(`request failed: ${error instanceof Error ? error.message : String(error)}`);
    outgoing.destroy();
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`ready ${address.port}`);
});
