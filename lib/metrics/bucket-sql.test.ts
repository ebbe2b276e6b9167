import { expect, test } from 'vitest';
import { counterTablesFor, fiveMinuteTableFor, hourlyTableFor } from './bucket-sql';

test('series and breakdowns of whole-hour buckets pick the hourly table that has every column they group or filter by', () => {
  expect(hourlyTableFor('provider', {}, '6h')).toBe('metric_provider_hour');
  expect(hourlyTableFor('provider', { ip: '203.0.113.7' }, '1h')).toBe('metric_hour');
  expect(hourlyTableFor('ip', { ip: '203.0.113.7' }, '1d')).toBe('metric_hour');
  expect(hourlyTableFor('domain', {}, '1h')).toBe('metric_domain_hour');
  expect(hourlyTableFor('provider', { domain: 'contoso.com' }, '6h')).toBe('metric_domain_hour');
});

test('minute buckets, or an IP together with a domain (no hourly table has both), stay on metric_minute', () => {
  expect(hourlyTableFor('provider', {}, '15m')).toBeNull();
  expect(hourlyTableFor('domain', { ip: '203.0.113.7' }, '6h')).toBeNull();
  expect(hourlyTableFor('ip', { domain: 'contoso.com' }, '1d')).toBeNull();
});

test('minute buckets read the smallest per-minute rollup with every column grouped or filtered by', () => {
  expect(counterTablesFor('provider', {}, '5m').minute).toBe('metric_provider_minute');
  expect(counterTablesFor('provider', { ip: '203.0.113.7' }, '5m').minute).toBe('metric_ip_minute');
  expect(counterTablesFor('ip', {}, '1m').minute).toBe('metric_ip_minute');
  expect(counterTablesFor('provider', { domain: 'contoso.com' }, '15m').minute).toBe('metric_minute');
  expect(counterTablesFor('domain', {}, '1m').minute).toBe('metric_minute');
});

test('buckets of whole 5 minutes read the 5-minute rollup with every column grouped or filtered by, none by provider alone', () => {
  expect(fiveMinuteTableFor('ip', {}, '5m')).toBe('metric_ip_5m');
  expect(fiveMinuteTableFor('provider', { ip: '203.0.113.7' }, '15m')).toBe('metric_ip_5m');
  expect(fiveMinuteTableFor('provider', { domain: 'contoso.com' }, '1h')).toBe('metric_domain_5m');
  expect(fiveMinuteTableFor('provider', {}, '5m')).toBeNull();
  expect(fiveMinuteTableFor('ip', { domain: 'contoso.com' }, '5m')).toBeNull();
  expect(fiveMinuteTableFor('ip', {}, '1m')).toBeNull();
});
