import { expect, test } from 'vitest';
import { formatBytes, formatCount, perSecond } from './units';

test('sizes, counts and rates read naturally', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(1146)).toBe('1.15 KB');
  expect(formatBytes(12_165)).toBe('12.2 KB');
  expect(formatBytes(4 * 1024 * 1024)).toBe('4.19 MB');
  expect(formatBytes(734_003_200)).toBe('734 MB');
  expect(formatCount(1234567)).toBe('1,234,567');
  expect(perSecond(500, 100)).toBeNull();
  expect(perSecond(500, 2000)).toBe(250);
});
