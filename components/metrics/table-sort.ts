import { param, type SearchParams } from './time-range';

export type SortOrder = 'asc' | 'desc';

export interface TableSort<C extends string> {
  column: C;
  order: SortOrder;
}

/**
 * The sort of one table from the URL: `?<prefix>Sort=<column>&<prefix>Order=asc|desc`. Several tables
 * on one page use different prefixes. Unknown columns fall back to the default; names sort ascending
 * and numbers descending unless the URL says otherwise.
 */
export function parseTableSort<C extends string>(params: SearchParams, prefix: string, columns: readonly C[], fallback: C, textColumns: readonly C[] = []): TableSort<C> {
  const asked = param(params, `${prefix}Sort`);
  const column = columns.find((c) => c === asked) ?? fallback;
  const order = param(params, `${prefix}Order`);
  return { column, order: order === 'asc' || order === 'desc' ? order : textColumns.includes(column) ? 'asc' : 'desc' };
}

/** The URL changes that sort by `column`: a second click on the current column flips the order. */
export function sortChange<C extends string>(prefix: string, current: TableSort<C>, column: C, textColumns: readonly C[] = []): Record<string, string> {
  const order: SortOrder = current.column === column ? (current.order === 'asc' ? 'desc' : 'asc') : textColumns.includes(column) ? 'asc' : 'desc';
  return { [`${prefix}Sort`]: column, [`${prefix}Order`]: order };
}

/**
 * Sorts rows on the server by one column; null values (no rate) go last in either order so a
 * provider without attempts never tops a "highest deferral rate" list. Ties keep the key order.
 */
export function sortRows<R, C extends string>(rows: readonly R[], sort: TableSort<C>, value: (row: R, column: C) => number | string | null, key: (row: R) => string): R[] {
  const sign = sort.order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a, sort.column);
    const vb = value(b, sort.column);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) {
      const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      if (cmp !== 0) return sign * cmp;
    }
    return key(a).localeCompare(key(b));
  });
}
