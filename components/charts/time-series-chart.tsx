'use client';

import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import {
  formatTimeFull,
  formatTimeTick,
  formatValue,
  numericOrNull,
  seriesColor,
  summarizeSeries,
  toneColor,
  type ChartTone,
  type ChartUnit,
} from './format';
import { useFormatPlace } from './use-format-place';

export interface TimeSeriesPoint {
  /** ISO 8601 time of the bucket. */
  t: string;
  [series: string]: number | null | string;
}

export interface TimeSeriesSeries {
  key: string;
  label: string;
  color?: string;
  unit?: ChartUnit;
}

export interface ShadedRange {
  from: string;
  to: string;
  label: string;
  tone: ChartTone;
}

export interface ChartMarker {
  t: string;
  label: string;
}

export interface TimeSeriesChartProps {
  data: TimeSeriesPoint[];
  series: TimeSeriesSeries[];
  /** What the chart shows, for the text alternative ("Deferral rate to Microsoft 365, last 24 hours"). */
  label?: string;
  height?: number;
  yDomain?: [number | 'auto', number | 'auto'];
  shadedRanges?: ShadedRange[];
  markers?: ChartMarker[];
  /** Lines (default) or filled areas. */
  variant?: 'line' | 'area';
}

const axisTick = { fill: 'var(--dd-fg-subtle)', fontSize: 11 };

/**
 * Several series over time. Null values are gaps, not zeros; shaded ranges mark incident phases and markers
 * mark notes. The y axis uses the first series' unit. Described to screen readers by an aria-label summary
 * and a visually hidden caption.
 */
export function TimeSeriesChart({ data, series, label = 'Time series', height = 240, yDomain, shadedRanges = [], markers = [], variant = 'line' }: TimeSeriesChartProps) {
  const place = useFormatPlace();
  const rows: Array<TimeSeriesPoint & { ms: number }> = data.map((row) => ({ ...row, ms: Date.parse(row.t) })).filter((row) => Number.isFinite(row.ms));
  const first = rows[0]?.ms ?? 0;
  const last = rows[rows.length - 1]?.ms ?? first;
  const spanMs = last - first;
  const axisUnit = series[0]?.unit;
  const unitOf = new Map(series.map((s) => [s.key, s.unit]));
  const summaries = series.map((s) => summarizeSeries(s.label, rows.map((row) => numericOrNull(row[s.key])), s.unit, place));
  const period = rows.length > 0 ? `${formatTimeFull(first, place)} to ${formatTimeFull(last, place)}` : 'no data';
  const phases = shadedRanges.map((r) => `${r.label}: ${formatTimeFull(Date.parse(r.from), place)} to ${formatTimeFull(Date.parse(r.to), place)}`);
  const notes = markers.map((m) => `${formatTimeFull(Date.parse(m.t), place)}: ${m.label}`);
  const summary = `${label}, ${period}. ${summaries.join('. ')}.`;

  return (
    <figure role="group" aria-label={summary} className="w-full">
      <ComposedChart data={rows} responsive style={{ width: '100%', height }} margin={{ top: 16, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--dd-line)" strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="ms"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={(ms: number) => formatTimeTick(ms, spanMs, place)}
          tick={axisTick}
          stroke="var(--dd-line-strong)"
          minTickGap={24}
        />
        <YAxis
          domain={yDomain ?? [0, 'auto']}
          tickFormatter={(v: number) => formatValue(v, axisUnit, place)}
          tick={axisTick}
          stroke="var(--dd-line-strong)"
          width={56}
        />
        {shadedRanges.map((r) => (
          <ReferenceArea
            key={`${r.from}-${r.label}`}
            x1={Date.parse(r.from)}
            x2={Date.parse(r.to)}
            ifOverflow="hidden"
            fill={toneColor(r.tone)}
            fillOpacity={0.12}
            label={{ value: r.label, position: 'insideTopLeft', fill: 'var(--dd-fg-muted)', fontSize: 11 }}
          />
        ))}
        {markers.map((m) => (
          <ReferenceLine
            key={`${m.t}-${m.label}`}
            x={Date.parse(m.t)}
            ifOverflow="hidden"
            stroke="var(--dd-fg-subtle)"
            strokeDasharray="4 3"
            label={{ value: m.label, position: 'insideTopRight', fill: 'var(--dd-fg-muted)', fontSize: 11 }}
          />
        ))}
        <Tooltip
          labelFormatter={(ms) => (typeof ms === 'number' ? formatTimeFull(ms, place) : '')}
          formatter={(value, _name, item) => formatValue(typeof value === 'number' ? value : null, unitOf.get(String(item.dataKey)), place)}
          contentStyle={{ background: 'var(--dd-surface)', border: '1px solid var(--dd-line)', borderRadius: 6, color: 'var(--dd-fg)', fontSize: 12 }}
          labelStyle={{ color: 'var(--dd-fg-muted)' }}
          separator=": "
          itemSorter={(item) => series.findIndex((s) => s.key === item.dataKey)}
        />
        {series.length > 1 ? <Legend itemSorter={null} wrapperStyle={{ fontSize: 12, color: 'var(--dd-fg-muted)' }} /> : null}
        {series.map((s, i) =>
          variant === 'area' ? (
            <Area
              key={s.key}
              dataKey={s.key}
              name={s.label}
              type="monotone"
              stroke={seriesColor(i, s.color)}
              fill={seriesColor(i, s.color)}
              fillOpacity={0.15}
              strokeWidth={2}
              connectNulls={false}
              isAnimationActive={false}
            />
          ) : (
            <Line key={s.key} dataKey={s.key} name={s.label} type="monotone" stroke={seriesColor(i, s.color)} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
          ),
        )}
      </ComposedChart>
      <figcaption className="sr-only">
        {summary}
        {phases.length > 0 ? ` Phases: ${phases.join('; ')}.` : ''}
        {notes.length > 0 ? ` Notes: ${notes.join('; ')}.` : ''}
      </figcaption>
    </figure>
  );
}
