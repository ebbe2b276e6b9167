import fc from 'fast-check';
import { expect, test } from 'vitest';
import { layoutLineChart, niceCeil } from './line-chart';
import { renderSvgChart } from './svg-chart';

const T0 = Date.UTC(2023, 9, 11, 1, 0);
const MIN = 60_000;
const size = { width: 720, height: 260 };

test('a null value breaks the line: a gap, not a drop to zero', () => {
  const layout = layoutLineChart(
    { title: 'Rate', unit: 'percent', from: T0, to: T0 + 4 * MIN, yMax: 1, series: [{ label: 'r', color: '#dc2626', points: [0, 0.5, null, 1].map((v, i) => ({ t: T0 + i * MIN, v })) }] },
    size,
  );
  const segments = layout.lines[0]!.segments;
  expect(segments.map((s) => s.length)).toEqual([2, 1]);
  const { plot } = layout;
  expect(segments[0]![0]).toEqual([plot.x, plot.y + plot.h]);
  expect(segments[0]![1]![1]).toBeCloseTo(plot.y + plot.h / 2, 1);
  expect(segments[1]![0]).toEqual([plot.x + (3 / 4) * plot.w, plot.y]);
  expect(layout.yTicks.map((t) => t.label)).toEqual(['0 %', '25 %', '50 %', '75 %', '100 %']);
});

test('x ticks fall on round times, at most 7; the y axis tops at a round number above the largest value', () => {
  const layout = layoutLineChart(
    { title: 'Queue', unit: 'count', from: T0 - 30 * MIN, to: T0 + 4 * 60 * MIN, series: [{ label: 'q', color: '#2563eb', points: [{ t: T0, v: 1234 }] }] },
    size,
  );
  expect(layout.xTicks.map((t) => t.label)).toEqual(['01:00', '02:00', '03:00', '04:00', '05:00']);
  expect(layout.yTicks.at(-1)?.label).toBe('2000');
  expect(niceCeil(0)).toBe(1);
  expect(niceCeil(7)).toBe(10);
  expect(niceCeil(0.3)).toBeCloseTo(0.5);
  expect(niceCeil(5e-324)).toBe(1);
});

test('the SVG escapes titles and labels and says when there is no data', () => {
  const layout = layoutLineChart({ title: '<script>x</script> & co', unit: 'count', from: T0, to: T0 + MIN, series: [{ label: '"q"', color: '#000000', points: [] }], shaded: [{ from: T0, to: T0 + MIN, label: '<b>' }] }, size);
  const svg = renderSvgChart(layout);
  expect(svg).not.toContain('<script>');
  expect(svg).toContain('&lt;script&gt;x&lt;/script&gt; &amp; co');
  expect(svg).toContain('&lt;b&gt;');
  expect(svg).toContain('No data in this window');
});

test('property: every drawn point lies inside the plot, whatever the values', () => {
  fc.assert(
    fc.property(fc.array(fc.option(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { nil: null }), { maxLength: 50 }), (values) => {
      const layout = layoutLineChart({ title: 't', unit: 'count', from: T0, to: T0 + 50 * MIN, series: [{ label: 's', color: '#000000', points: values.map((v, i) => ({ t: T0 + i * MIN, v })) }] }, size);
      const { plot } = layout;
      for (const [x, y] of layout.lines[0]!.segments.flat()) {
        expect(x).toBeGreaterThanOrEqual(plot.x);
        expect(x).toBeLessThanOrEqual(plot.x + plot.w);
        expect(y).toBeGreaterThanOrEqual(plot.y);
        expect(y).toBeLessThanOrEqual(plot.y + plot.h);
      }
    }),
  );
});
