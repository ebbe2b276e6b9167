import { expect, test } from 'vitest';
import { tenantStatementProblems } from './statement-audit';

const TABLES = ['delivery_event', 'incident', 'message_state', 'metric_minute'];
const problems = (...texts: string[]) => tenantStatementProblems(texts.map((text) => ({ text, origin: 'lib/x/queries/y.ts' })), TABLES);

test('a statement on a tenant table without a condition on organization_id is reported with its file and tables', () => {
  expect(problems('SELECT id FROM incident WHERE id = $1')).toEqual(['lib/x/queries/y.ts: incident: SELECT id FROM incident WHERE id = $1']);
  expect(problems('UPDATE message_state SET ends_at = $2 WHERE message_key = $1')).toHaveLength(1);
  expect(problems('DELETE FROM delivery_event WHERE id = ANY($1)')).toHaveLength(1);
  expect(problems('SELECT e.id FROM delivery_event e JOIN incident i ON i.id = e.incident_id WHERE i.organization_id IS NULL')).toEqual([
    'lib/x/queries/y.ts: delivery_event, incident: SELECT e.id FROM delivery_event e JOIN incident i ON i.id = e.incident_id WHERE i.organization_id IS NULL',
  ]);
});

test('Prisma statements (quoted, schema-qualified) are read the same way', () => {
  expect(problems('SELECT "public"."incident"."id" FROM "public"."incident" WHERE "public"."incident"."id" = $1 LIMIT $2')).toHaveLength(1);
  expect(problems('SELECT "public"."incident"."id" FROM "public"."incident" WHERE ("public"."incident"."organization_id" = $1 AND "public"."incident"."id" = $2)')).toEqual([]);
});

test('naming organization_id only in the select list is not a condition', () => {
  expect(problems('SELECT organization_id FROM incident WHERE id = $1')).toHaveLength(1);
});

test('conditions, IN lists and inserts that write organization_id pass; other tables and control statements are not checked', () => {
  expect(
    problems(
      'SELECT count(*) FROM delivery_event WHERE organization_id = $1',
      'SELECT * FROM metric_minute m WHERE m.organization_id IN ($1, $2)',
      'INSERT INTO incident (id, organization_id, provider) VALUES ($1, $2, $3)',
      'INSERT INTO "public"."incident" ("id","organization_id") VALUES ($1,$2)',
      'SELECT id FROM app_user WHERE email = $1',
      'SELECT 1',
      'BEGIN',
      'CREATE TEMP TABLE staging (LIKE delivery_event)',
    ),
  ).toEqual([]);
});

test('an insert without organization_id among its columns is reported', () => {
  expect(problems('INSERT INTO incident (id, provider) VALUES ($1, $2)')).toHaveLength(1);
});

test('an insert inside a WITH that writes organization_id passes', () => {
  expect(problems('WITH ins AS (INSERT INTO delivery_event (organization_id, dedupe_key) SELECT $1, k FROM staging RETURNING *) SELECT count(*) FROM ins')).toEqual([]);
});

test('a row comparison on (organization_id, id) is a condition on the tenant', () => {
  expect(problems('SELECT url FROM incident WHERE (organization_id, id) IN (($1::uuid, $2::uuid), ($3::uuid, $4::uuid))')).toEqual([]);
});
