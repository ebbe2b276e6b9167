import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, queryDatabase, testServerUrl, type TestDatabase } from '@/lib/test-support/db';
import { z } from 'zod';
import { PrismaClient, Prisma } from '@/lib/generated/prisma/client';
import * as prismaEnums from '@/lib/generated/prisma/enums';
import { diffDatabaseToSchema } from './schema-engine';

// Proves that applying prisma/migrations yields the database schema.prisma describes, twice over: by the
// schema engine's diff, and by comparing the catalog with the Prisma client's own data model.

const created: TestDatabase[] = [];

/** A new database on the test server with the migrations applied. */
async function migratedDatabase(): Promise<string> {
  const database = await createTestDatabase('dd_drift');
  created.push(database);
  return database.url;
}

// The slice of the generated client's runtime data model used here (an internal of @prisma/client 7.10,
// hence parsed: a changed shape fails the test instead of comparing nothing).
const runtimeDataModelSchema = z.object({
  models: z.record(
    z.string(),
    z.object({
      dbName: z.string().nullable(),
      fields: z.array(z.object({ name: z.string(), kind: z.string(), type: z.string(), dbName: z.string().optional() })),
    }),
  ),
});

interface ExpectedColumn {
  table: string;
  column: string;
  /** Prisma scalar type, or the enum's name for enum fields */
  type: string;
  isEnum: boolean;
}

/** Every table and column the Prisma client will query, as the generated client maps them. */
async function clientColumns(): Promise<ExpectedColumn[]> {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: testServerUrl() }) });
  const model = runtimeDataModelSchema.parse(Reflect.get(client, '_runtimeDataModel'));
  await client.$disconnect();
  expect(Object.keys(model.models).sort()).toEqual(Object.values(Prisma.ModelName).sort());
  return Object.entries(model.models).flatMap(([name, m]) =>
    m.fields
      .filter((f) => f.kind === 'scalar' || f.kind === 'enum')
      .map((f) => ({ table: m.dbName ?? name, column: f.dbName ?? f.name, type: f.type, isEnum: f.kind === 'enum' })),
  );
}

// PostgreSQL types (pg_type.typname, arrays without their leading "_") each Prisma scalar may use.
const pgTypesOf: Record<string, string[]> = {
  String: ['text', 'uuid', 'varchar', 'bpchar'],
  Int: ['int4', 'int2'],
  Float: ['float8', 'float4'],
  Decimal: ['numeric'],
  BigInt: ['int8'],
  Boolean: ['bool'],
  DateTime: ['timestamptz', 'timestamp', 'date'],
  Bytes: ['bytea'],
  Json: ['jsonb', 'json'],
};

/** Where the database at `url` and the client's data model disagree, one line per problem ([] when they agree). */
async function catalogMismatches(url: string): Promise<string[]> {
  const expected = await clientColumns();
  const columns = await queryDatabase<{ table_name: string; column_name: string; udt_name: string }>(
    url,
    `SELECT table_name, column_name, udt_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  const enumLabels = await queryDatabase<{ typname: string; labels: string[] }>(
    url,
    `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
  );
  const labelsOf = new Map(enumLabels.map((r) => [r.typname, r.labels]));
  const actual = new Map(columns.map((c) => [`${c.table_name}.${c.column_name}`, c.udt_name.replace(/^_/, '')]));
  const problems: string[] = [];
  for (const e of expected) {
    const key = `${e.table}.${e.column}`;
    const udt = actual.get(key);
    actual.delete(key);
    if (udt === undefined) {
      problems.push(`${key} is missing`);
    } else if (e.isEnum) {
      const values = Object.values(Reflect.get(prismaEnums, e.type) as Record<string, string>);
      if (JSON.stringify(labelsOf.get(udt)) !== JSON.stringify(values)) problems.push(`${key} has type ${udt}, not enum ${e.type} (${values.join(', ')})`);
    } else if (!(pgTypesOf[e.type] ?? []).includes(udt)) {
      problems.push(`${key} has type ${udt}, not one for ${e.type}`);
    }
  }
  for (const key of actual.keys()) problems.push(`${key} is not in schema.prisma`);
  return problems;
}

let url: string;

beforeAll(async () => {
  url = await migratedDatabase();
});

afterAll(async () => {
  for (const database of created) await database.drop();
});

test('the schema engine finds nothing to change between the migrated database and schema.prisma', async () => {
  expect(await diffDatabaseToSchema(url)).toBe('');
});

test('every model field of the Prisma client has its column with a fitting type, and there is no other column', async () => {
  const expected = await clientColumns();
  expect(expected.length).toBeGreaterThan(100);
  expect(expected).toContainEqual({ table: 'delivery_event', column: 'kb_rule', type: 'String', isEnum: false });
  expect(await catalogMismatches(url)).toEqual([]);
});

test('a column missing from the database is reported by both checks', async () => {
  const damaged = await migratedDatabase();
  await queryDatabase(damaged, 'ALTER TABLE delivery_event DROP COLUMN kb_rule');
  expect(await diffDatabaseToSchema(damaged)).toMatch(/ALTER TABLE "delivery_event" ADD COLUMN\s+"kb_rule" TEXT;/);
  expect(await catalogMismatches(damaged)).toEqual(['delivery_event.kb_rule is missing']);
});

test('an extra column, a wrong type, a lost index and a changed foreign key action are reported', async () => {
  const damaged = await migratedDatabase();
  await queryDatabase(
    damaged,
    `ALTER TABLE organization ADD COLUMN stray INTEGER;
     ALTER TABLE queue_sample ALTER COLUMN depth TYPE BIGINT;
     DROP INDEX delivery_event_organization_id_sending_ip_occurred_at_idx;
     ALTER TABLE membership DROP CONSTRAINT membership_user_id_fkey;
     ALTER TABLE membership ADD CONSTRAINT membership_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user(id) ON DELETE RESTRICT ON UPDATE CASCADE;`,
  );
  const sql = await diffDatabaseToSchema(damaged);
  expect(sql).toContain('DROP COLUMN "stray"');
  expect(sql).toMatch(/ALTER COLUMN "depth" SET DATA TYPE INTEGER/);
  expect(sql).toContain('CREATE INDEX "delivery_event_organization_id_sending_ip_occurred_at_idx"');
  expect(sql).toMatch(/ADD CONSTRAINT "membership_user_id_fkey" .* ON DELETE CASCADE/);
  expect((await catalogMismatches(damaged)).sort()).toEqual(['organization.stray is not in schema.prisma', 'queue_sample.depth has type int8, not one for Int']);
});
