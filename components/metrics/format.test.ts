import { expect, test } from 'vitest';
import { changeTone, formatCount, formatPercent, formatPoints, rateTone } from './format';

test('counts have thousands separators', () => {
  expect([0, 999, 12_345, 1_234_567].map(formatCount)).toEqual(['0', '999', '12,345', '1,234,567']);
});

test('rates are percentages with one decimal; no rate is a dash, never 0 %', () => {
  expect([0, 0.0004, 0.125, 0.6667, 1].map(formatPercent)).toEqual(['0.0%', '0.0%', '12.5%', '66.7%', '100.0%']);
  expect(formatPercent(null)).toBe('—');
  expect(formatPercent(Number.NaN)).toBe('—');
});

test('changes against the baseline carry a sign and the unit', () => {
  expect([12.34, -0.44, 0.04, null].map(formatPoints)).toEqual(['+12.3 pp', '−0.4 pp', '±0 pp', '—']);
});

test('tones follow the thresholds', () => {
  expect([null, 0.01, 0.05, 0.2, 0.21].map(rateTone)).toEqual(['neutral', 'success', 'warning', 'warning', 'danger']);
  expect([null, 0, 5, 20, -6].map(changeTone)).toEqual(['neutral', 'neutral', 'warning', 'danger', 'success']);
});
