import { expect, test } from 'vitest';
import { eventFilterFromSearchParams } from '@/lib/ingest/queries/list-events';
import { eventApiParams, eventFilterFromPage } from './event-filter';
import { parseTimeRange } from './time-range';

const now = new Date('2023-10-11T03:00:00Z');

test('the page filter takes the fields from the URL and the time from the range', () => {
  const params = { range: '1h', provider: 'microsoft-365', outcome: 'deferred', ip: ' 203.0.113.7 ', domain: '', cursor: 'abc' };
  const r = eventFilterFromPage(params, parseTimeRange(params, now));
  expect(r).toMatchObject({ ok: true, isFiltered: true, filter: { provider: 'microsoft-365', outcome: 'deferred', ip: '203.0.113.7', cursor: 'abc', limit: 50 } });
  if (!r.ok) return;
  expect(r.filter.domain).toBeUndefined();
  expect(r.filter.from).toEqual(new Date('2023-10-11T02:00:00Z'));
  expect(r.filter.to).toEqual(now);
});

test('an unknown outcome is reported by field, not ignored', () => {
  const r = eventFilterFromPage({ outcome: 'lost' }, parseTimeRange({}, now));
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.errors[0]).toMatch(/^outcome:/);
});

test('the API parameters select what the page selects', () => {
  const params = { range: '24h', provider: 'google', signature: '421 4.7.28 <IP> ...' };
  const page = eventFilterFromPage(params, parseTimeRange(params, now));
  if (!page.ok) throw new Error('expected a valid filter');
  const api = eventFilterFromSearchParams(new URLSearchParams(eventApiParams(page.filter)));
  expect({ ...api, limit: page.filter.limit }).toEqual({ ...page.filter, cursor: undefined });
  expect(eventFilterFromPage({ range: '1h' }, parseTimeRange({ range: '1h' }, now))).toMatchObject({ ok: true, isFiltered: false });
});
