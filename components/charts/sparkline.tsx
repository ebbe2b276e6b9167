'use client';

import { Line, LineChart, YAxis } from 'recharts';
import { summarizeSeries, toneColor, type ChartTone, type ChartUnit } from './format';
import { useFormatPlace } from './use-format-place';

export interface SparklineProps {
  values: Array<number | null>;
  tone?: ChartTone;
  /** What the values are, for the text alternative ("Deferral rate, last hour"). */
  label?: string;
  unit?: ChartUnit;
  width?: number;
  height?: number;
}

/** A tiny trend line without axes or tooltip; null values are gaps. Screen readers get a one-line summary. */
export function Sparkline({ values, tone = 'info', label = 'Trend', unit, width = 96, height = 28 }: SparklineProps) {
  const place = useFormatPlace();
  const summary = summarizeSeries(label, values, unit, place);
  const data = values.map((v, i) => ({ i, v }));
  return (
    <div role="img" aria-label={summary} title={summary} className="inline-block align-middle">
      <LineChart data={data} width={width} height={height} margin={{ top: 2, right: 2, bottom: 2, left: 2 }} accessibilityLayer={false}>
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line dataKey="v" type="monotone" stroke={toneColor(tone)} strokeWidth={1.5} dot={false} connectNulls={false} isAnimationActive={false} />
      </LineChart>
    </div>
  );
}
