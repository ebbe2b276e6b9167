import { expect, test } from 'vitest';
import { roleAllows, tokenAllows } from './permissions';

test('viewers only read; analysts ingest and annotate; only admins administer', () => {
  expect(['read', 'ingest', 'annotate', 'admin'].map((a) => roleAllows('viewer', a as never))).toEqual([true, false, false, false]);
  expect(['read', 'ingest', 'annotate', 'admin'].map((a) => roleAllows('analyst', a as never))).toEqual([true, true, true, false]);
  expect(['read', 'ingest', 'annotate', 'admin'].map((a) => roleAllows('admin', a as never))).toEqual([true, true, true, true]);
});

test('an ingest token cannot read and a read token cannot ingest', () => {
  expect(tokenAllows('ingest', 'ingest')).toBe(true);
  expect(tokenAllows('ingest', 'read')).toBe(false);
  expect(tokenAllows('read', 'read')).toBe(true);
  expect(tokenAllows('read', 'ingest')).toBe(false);
  expect(tokenAllows('read', 'admin')).toBe(false);
  expect(tokenAllows('ingest', 'annotate')).toBe(false);
});
