import pg from 'pg';

/** The URL of database `name` on the server of `serverUrl` (same host, port, user and options). */
export function databaseUrl(serverUrl: string, name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` on a connection of its own to `serverUrl` (CREATE/DROP DATABASE and the like), closed afterwards. */
export async function onServer<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
