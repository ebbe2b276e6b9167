'use client';

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTimeFull, formatTimeTick, formatValue, numericOrNull, seriesColor, toneColor, type ChartTone, type ChartUnit } from './format';
import { useFormatPlace } from './use-format-place';

export interface BarChartRow {
  /** The category (a provider, an IP) or, with `xFormat: 'time'`, the ISO 8601 time of the bucket. */
  x: string;
  [series: string]: number | null | string;
}

export interface BarChartSeries {
  key: string;
  label: string;
  /** A status tone (delivered → ok, deferred → warning, bounced → danger) or an explicit colour. */
  tone?: ChartTone;
  color?: string;
}

export interface StackedBarChartProps {
  data: BarChartRow[];
  series: BarChartSeries[];
  /** What the chart shows, for the text alternative ("Attempts by outcome per hour"). */
  label?: string;
  unit?: ChartUnit;
  height?: number;
  xFormat?: 'category' | 'time';
  /** Heading of the first column of the text alternative ("Provider", "Hour"). */
  xLabel?: string;
}

const axisTick = { fill: 'var(--dd-fg-subtle)', fontSize: 11 };

/** Stacked bars, one stack per row (e.g. attempts by outcome); a visually hidden table carries the same numbers. */
export function StackedBarChart({ data, series, label = 'Bar chart', unit = 'count', height = 240, xFormat = 'category', xLabel = xFormat === 'time' ? 'Time' : 'Category' }: StackedBarChartProps) {
  const place = useFormatPlace();
  const times = xFormat === 'time' ? data.map((row) => Date.parse(row.x)).filter(Number.isFinite) : [];
  const spanMs = times.length > 1 ? Math.max(...times) - Math.min(...times) : 0;
  const xText = (x: string) => (xFormat === 'time' && Number.isFinite(Date.parse(x)) ? formatTimeFull(Date.parse(x), place) : x);
  const xTick = (x: string) => (xFormat === 'time' && Number.isFinite(Date.parse(x)) ? formatTimeTick(Date.parse(x), spanMs, place) : x);
  const colorOf = (s: BarChartSeries, i: number) => (s.color ?? (s.tone ? toneColor(s.tone) : seriesColor(i)));
  const totals = series.map((s) => `${s.label} ${formatValue(data.reduce((sum, row) => sum + (numericOrNull(row[s.key]) ?? 0), 0), unit, place)}`);
  const summary = `${label}: ${data.length} ${data.length === 1 ? 'bar' : 'bars'}; totals: ${totals.join(', ')}.`;

  return (
    <figure role="group" aria-label={summary} className="w-full">
      <BarChart data={data} responsive style={{ width: '100%', height }} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--dd-line)" strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="x" tickFormatter={xTick} tick={axisTick} stroke="var(--dd-line-strong)" minTickGap={16} />
        <YAxis tickFormatter={(v: number) => formatValue(v, unit, place)} tick={axisTick} stroke="var(--dd-line-strong)" width={56} />
        <Tooltip
          labelFormatter={(x) => (typeof x === 'string' ? xText(x) : '')}
          formatter={(value) => formatValue(typeof value === 'number' ? value : null, unit, place)}
          cursor={{ fill: 'var(--dd-surface-muted)' }}
          contentStyle={{ background: 'var(--dd-surface)', border: '1px solid var(--dd-line)', borderRadius: 6, color: 'var(--dd-fg)', fontSize: 12 }}
          labelStyle={{ color: 'var(--dd-fg-muted)' }}
          separator=": "
          itemSorter={(item) => series.findIndex((s) => s.key === item.dataKey)}
        />
        {series.length > 1 ? <Legend itemSorter={null} wrapperStyle={{ fontSize: 12, color: 'var(--dd-fg-muted)' }} /> : null}
        {series.map((s, i) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} stackId="stack" fill={colorOf(s, i)} isAnimationActive={false} />
        ))}
      </BarChart>
      <div className="sr-only">
        <table>
          <caption>{label}</caption>
          <thead>
            <tr>
              <th scope="col">{xLabel}</th>
              {series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((row) => (
              <tr key={row.x}>
                <th scope="row">{xText(row.x)}</th>
                {series.map((s) => (
                  <td key={s.key}>{formatValue(numericOrNull(row[s.key]), unit, place)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
