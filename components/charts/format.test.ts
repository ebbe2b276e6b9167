import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, test } from 'vitest';
import { StackedBarChart } from './bar-chart';
import { formatDuration, formatTimeFull, formatTimeTick, formatValue, numericOrNull, seriesColor, SERVER_PLACE, summarizeSeries, toneColor } from './format';
import { Sparkline } from './sparkline';
import { TimeSeriesChart } from './time-series-chart';

const en = { locale: 'en-US', timeZone: 'UTC' };

test('durations read like people write them', () => {
  expect([0, 45, 59.6, 720, 3600, 12_000, 3599 + 3600, 86_400, 187_200].map(formatDuration)).toEqual(['0 s', '45 s', '1 min', '12 min', '1 h', '3 h 20 min', '2 h', '1 d', '2 d 4 h']);
});

test('values carry their unit; rates are fractions; missing is "no data", not 0', () => {
  expect(formatValue(0.125, '%', en)).toBe('13%');
  expect(formatValue(0.034, '%', en)).toBe('3.4%');
  expect(formatValue(0, '%', en)).toBe('0%');
  expect(formatValue(21_537, 's', en)).toBe('5 h 59 min');
  expect(formatValue(12_345, 'count', en)).toBe('12,345');
  expect(formatValue(null, '%', en)).toBe('no data');
  expect(formatValue(Number.NaN, 'count', en)).toBe('no data');
});

test('time ticks fit the span; full times name the day', () => {
  const t = Date.UTC(2023, 9, 11, 2, 17, 50);
  expect(formatTimeTick(t, 6 * 3600_000, en)).toBe('02:17 AM');
  expect(formatTimeTick(t, 30 * 86_400_000, en)).toBe('Oct 11');
  expect(formatTimeTick(t, 400 * 86_400_000, en)).toBe('Oct 2023');
  expect(formatTimeFull(t, en)).toBe('Oct 11, 2023, 2:17 AM');
});

test('a series summary gives range and latest value, skipping gaps', () => {
  expect(summarizeSeries('Deferral rate', [0.02, null, 0.89, 0.02, null], '%', en)).toBe('Deferral rate: from 2% to 89%, latest 2%');
  expect(summarizeSeries('Queue', [5, 5], 'count', en)).toBe('Queue: 5 throughout, latest 5');
  expect(summarizeSeries('Queue', [null, null], 'count', en)).toBe('Queue: no data');
  expect([numericOrNull(3), numericOrNull('3'), numericOrNull(null), numericOrNull(Infinity)]).toEqual([3, null, null, null]);
});

test('colours come from theme tokens or a palette that adapts to the colour scheme', () => {
  expect(toneColor('ok')).toBe('var(--dd-success)');
  expect(toneColor('danger')).toBe('var(--dd-danger)');
  expect(seriesColor(0)).toMatch(/^light-dark\(#[0-9a-f]{6}, #[0-9a-f]{6}\)$/);
  expect(seriesColor(8)).toBe(seriesColor(0));
  expect(seriesColor(1)).not.toBe(seriesColor(0));
  expect(seriesColor(3, '#123456')).toBe('#123456');
});

test('the server render describes each chart in text, in UTC, so hydration sees the same words', () => {
  const html = renderToStaticMarkup(
    createElement(TimeSeriesChart, {
      label: 'Deferral rate to Microsoft 365',
      data: [
        { t: '2023-10-11T02:00:00Z', rate: 0.01 },
        { t: '2023-10-11T02:10:00Z', rate: null },
        { t: '2023-10-11T02:20:00Z', rate: 0.9 },
      ],
      series: [{ key: 'rate', label: 'Deferral rate', unit: '%' }],
      shadedRanges: [{ from: '2023-10-11T02:10:00Z', to: '2023-10-11T02:20:00Z', label: 'Throttled', tone: 'danger' }],
      markers: [{ t: '2023-10-11T02:15:00Z', label: 'Escalated' }],
    }),
  );
  const first = formatTimeFull(Date.parse('2023-10-11T02:00:00Z'), SERVER_PLACE);
  expect(html).toContain(`aria-label="Deferral rate to Microsoft 365, ${first} to`);
  expect(html).toContain('Deferral rate: from 1% to 90%, latest 90%');
  expect(html).toMatch(/<figcaption class="sr-only">[^<]*Phases: Throttled: [^<]*Notes: [^<]*Escalated/);

  const bars = renderToStaticMarkup(
    createElement(StackedBarChart, {
      label: 'Attempts by outcome',
      xLabel: 'Provider',
      data: [
        { x: 'google', delivered: 1200, deferred: 3 },
        { x: 'microsoft-365', delivered: 800, deferred: 450 },
      ],
      series: [
        { key: 'delivered', label: 'Delivered', tone: 'ok' },
        { key: 'deferred', label: 'Deferred', tone: 'warning' },
      ],
    }),
  );
  expect(bars).toContain('aria-label="Attempts by outcome: 2 bars; totals: Delivered 2,000, Deferred 453."');
  expect(bars).toContain('<tr><th scope="row">microsoft-365</th><td>800</td><td>450</td></tr>');

  const spark = renderToStaticMarkup(createElement(Sparkline, { values: [3, null, 7], label: 'Queue depth', unit: 'count', tone: 'warning' }));
  expect(spark).toContain('aria-label="Queue depth: from 3 to 7, latest 7"');
});
