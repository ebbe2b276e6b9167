import { expect, test } from 'vitest';
import { queryDatabase } from './db';
import { withAppDatabase } from './app-database';
import { recordedStatements } from './statement-audit';

const database = withAppDatabase();

const LOG = 'Oct 11 02:17:50 mx1 postfix/smtp[123]: 4S5d1x0abc: to=<a@contoso.com>, relay=contoso-com.mail.protection.outlook.com[52.101.8.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.6.0 Queued mail for delivery)';

test("the audit records the app's statements with the file that issued them, and leaves out the test's own", async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { id } = await createOrganization({ slug: 'audited' });
  async function* body(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(LOG);
  }
  const result = await ingestStream(body(), { organizationId: id, channel: 'api', format: 'postfix', maxBytes: 1 << 20, now: new Date('2023-10-12T00:00:00Z') });
  expect(result.accepted).toBe(1);
  const files = new Set(recordedStatements().map((s) => s.origin));
  expect(files).toContain('lib/ingest/pipeline.ts');
  expect(files).toContain('lib/ingest/write-batch.ts');
  await queryDatabase(database().url, 'SELECT count(*) FROM delivery_event');
  expect(recordedStatements().some((s) => s.text === 'SELECT count(*) FROM delivery_event')).toBe(false);
});
