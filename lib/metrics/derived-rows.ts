import type pg from 'pg';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Every table derived from raw events and kept by ingestion, found in the catalog so that a rollup added later is
 * compared too: the metric, signature and queue rollups and message_state.
 */
const DERIVED_TABLES_SQL = `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    AND (c.relname ~ '^(metric|signature|queue_delta|queue_oldest)_' OR c.relname = 'message_state')
  ORDER BY 1`;

/**
 * An organisation's derived rows as text, per table, in a stable order: equal before and after a rebuild from raw
 * events when ingestion kept them right. Zero queue deltas are left out (a fold may leave one where a rebuild writes none).
 */
export async function derivedRows(client: Queryable, organizationId: string): Promise<Record<string, string[]>> {
  const tables = (await client.query<{ name: string }>(DERIVED_TABLES_SQL)).rows.map((r) => r.name);
  const out: Record<string, string[]> = {};
  for (const name of tables) {
    const zeroDeltas = name.startsWith('queue_delta_') ? ' AND t.delta <> 0' : '';
    const { rows } = await client.query<{ r: string }>(`SELECT t::text AS r FROM "${name}" t WHERE t.organization_id = $1${zeroDeltas} ORDER BY 1`, [organizationId]);
    out[name] = rows.map((row) => row.r);
  }
  return out;
}
