import path from 'node:path';
import pg from 'pg';

/**
 * Records every statement the app runs in this test process, so a test file can check the Citus rule of
 * docs/scaling.md: a statement touching a tenant table filters on (or writes) organization_id, which makes it a
 * single-shard statement once tenant tables are distributed by organization_id. A statement belongs to the code of
 * the repository nearest to the call in its stack; those of test files and test support (fixtures, assertions) and
 * of the migration runner (schema changes, run once for every tenant) are not checked. Prisma runs its statements
 * after an await, so their stack holds no repository file: they are all checked, the tests' own Prisma reads too,
 * which therefore name the organisations they read.
 */
export interface RecordedStatement {
  text: string;
  origin: string;
}

const ROOT = process.cwd() + path.sep;
const NOT_CHECKED = /\.test\.ts$|^lib\/test-support\/|^lib\/db\/migrate\.ts$/;
const FRAME = /\(?(\/[^\s()]+?):\d+:\d+\)?$/;

const recorded: RecordedStatement[] = [];
let installed = false;

function statementText(args: unknown[]): string | null {
  const first = args[0];
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && 'text' in first && typeof first.text === 'string') return first.text;
  return null;
}

/** The repository file nearest to the call, or null when the stack holds none (a statement Prisma issues after an await). */
function origin(stack: string): string | null {
  for (const line of stack.split('\n').slice(2)) {
    const file = FRAME.exec(line.trim())?.[1];
    if (!file || !file.startsWith(ROOT) || file.includes('/node_modules/')) continue;
    return file.slice(ROOT.length);
  }
  return null;
}

/** Small global tables of the Citus layout (copied to every node), and local tables that hold no tenant data. */
export const REFERENCE_TABLES = ['organization', 'app_user', 'membership', 'api_token', '_prisma_migrations', 'security_rate_limit'];

/** Starts recording (installed once per process); `recordedStatements()` returns what was recorded since. */
export function startRecording(): void {
  if (!installed) {
    installed = true;
    const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
      const text = statementText(args);
      if (text) {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 50;
        const stack = new Error().stack ?? '';
        Error.stackTraceLimit = limit;
        const file = origin(stack) ?? '(no repository frame)';
        if (!NOT_CHECKED.test(file)) recorded.push({ text, origin: file });
      }
      return query.apply(this, args);
    };
  }
  recorded.length = 0;
}

export function recordedStatements(): readonly RecordedStatement[] {
  return recorded;
}

const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET|SHOW|LISTEN|UNLISTEN|NOTIFY|DEALLOCATE|CREATE|ALTER|DROP)\b/i;
/** A condition on the tenant: `organization_id = …`, `organization_id IN (…)`, `(organization_id, id) IN (…)`. */
const TENANT_CONDITION = /organization_id"?\s*(=|IN\s*\()|\(\s*organization_id\s*,[^)]*\)\s*IN\s*\(/i;
/** An INSERT (alone or inside a WITH) names organization_id among its columns. */
const TENANT_INSERT = /\bINSERT\s+INTO\s+[^(]+\([^)]*organization_id/i;

/**
 * The statements that touch a tenant table without a condition on organization_id (or, for an INSERT, without
 * writing it), one line each with the file they come from and the tables they touch.
 */
export function tenantStatementProblems(statements: readonly RecordedStatement[], tenantTables: string[]): string[] {
  const touching = tenantTables.map((t) => ({ table: t, pattern: new RegExp(`(FROM|JOIN|INTO|UPDATE|TABLE)\\s+("public"\\.)?"?${t}"?(\\s|$|\\()`, 'i') }));
  const problems = new Set<string>();
  for (const { text, origin: file } of statements) {
    if (CONTROL.test(text) || TENANT_CONDITION.test(text) || TENANT_INSERT.test(text)) continue;
    const touched = touching.filter((t) => t.pattern.test(text)).map((t) => t.table);
    if (touched.length > 0) problems.add(`${file}: ${touched.join(', ')}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  }
  return [...problems];
}
