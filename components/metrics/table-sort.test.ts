import { expect, test } from 'vitest';
import { parseTableSort, sortChange, sortRows } from './table-sort';

const columns = ['key', 'attempts', 'deferralRate'] as const;
type Col = (typeof columns)[number];
const rows = [
  { key: 'b', attempts: 10, deferralRate: 0.5 },
  { key: 'a', attempts: 30, deferralRate: null },
  { key: 'c', attempts: 10, deferralRate: 0.1 },
];
const value = (r: (typeof rows)[number], c: Col) => r[c];

test('the sort comes from the prefixed URL parameters, with sensible defaults', () => {
  expect(parseTableSort({ ipSort: 'deferralRate', ipOrder: 'asc' }, 'ip', columns, 'attempts')).toEqual({ column: 'deferralRate', order: 'asc' });
  expect(parseTableSort({ ipSort: 'evil; drop table' }, 'ip', columns, 'attempts')).toEqual({ column: 'attempts', order: 'desc' });
  expect(parseTableSort({ domSort: 'key' }, 'dom', columns, 'attempts', ['key'])).toEqual({ column: 'key', order: 'asc' });
  expect(parseTableSort({ ipSort: 'key' }, 'dom', columns, 'attempts').column).toBe('attempts');
});

test('clicking the sorted column flips the order; another column starts at its natural order', () => {
  expect(sortChange('ip', { column: 'attempts', order: 'desc' }, 'attempts')).toEqual({ ipSort: 'attempts', ipOrder: 'asc' });
  expect(sortChange('ip', { column: 'attempts', order: 'asc' }, 'attempts')).toEqual({ ipSort: 'attempts', ipOrder: 'desc' });
  expect(sortChange('ip', { column: 'attempts', order: 'desc' }, 'key', ['key'])).toEqual({ ipSort: 'key', ipOrder: 'asc' });
});

test('rows sort by the column, ties by key, missing rates last in both orders', () => {
  const keys = (column: Col, order: 'asc' | 'desc') => sortRows(rows, { column, order }, value, (r) => r.key).map((r) => r.key);
  expect(keys('attempts', 'desc')).toEqual(['a', 'b', 'c']);
  expect(keys('attempts', 'asc')).toEqual(['b', 'c', 'a']);
  expect(keys('deferralRate', 'desc')).toEqual(['b', 'c', 'a']);
  expect(keys('deferralRate', 'asc')).toEqual(['c', 'b', 'a']);
  expect(keys('key', 'desc')).toEqual(['c', 'b', 'a']);
});
