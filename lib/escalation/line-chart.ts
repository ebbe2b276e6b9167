/** One series of a line chart: values at times (ms since the epoch); null is a gap, never drawn as 0. */
export interface ChartSeries {
  label: string;
  /** a CSS/PDF colour, `#rrggbb` */
  color: string;
  points: Array<{ t: number; v: number | null }>;
}

export interface LineChartSpec {
  title: string;
  unit: 'percent' | 'count' | 'seconds';
  /** [from, to) of the x axis, ms */
  from: number;
  to: number;
  series: ChartSeries[];
  /** a fixed top of the y axis (1 for rates); else a round number above the largest value */
  yMax?: number;
  /** phases shaded behind the lines */
  shaded?: Array<{ from: number; to: number; label: string }>;
}

export interface ChartLayout {
  width: number;
  height: number;
  title: string;
  plot: { x: number; y: number; w: number; h: number };
  lines: Array<{ label: string; color: string; segments: Array<Array<[number, number]>> }>;
  xTicks: Array<{ x: number; label: string }>;
  yTicks: Array<{ y: number; label: string }>;
  shaded: Array<{ x: number; w: number; label: string }>;
  /** no value at all to draw: the renderers say so instead of drawing an empty frame */
  isEmpty: boolean;
}

const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };
const MINUTE = 60_000;
const TICK_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MINUTE);
const MAX_X_TICKS = 7;

/** Coordinates rounded to 0.1 so the SVG and the PDF come out byte-identical for the same data. */
const r1 = (n: number) => Math.round(n * 10) / 10;

/** The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `n` (a round top for the y axis). */
export function niceCeil(n: number): number {
  if (!(n > 0) || !Number.isFinite(n)) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= n) ?? 10;
  // Subnormal inputs underflow the power to 0: any positive top then does.
  const top = step * power;
  return top > 0 && Number.isFinite(top) ? top : 1;
}

export function formatValue(v: number, unit: LineChartSpec['unit']): string {
  if (unit === 'percent') return `${Math.round(v * 100)} %`;
  if (unit === 'seconds') return v >= 3600 ? `${r1(v / 3600)} h` : v >= 60 ? `${Math.round(v / 60)} min` : `${Math.round(v)} s`;
  return v >= 10_000 ? `${r1(v / 1000)}k` : String(r1(v));
}

function timeLabel(t: number, step: number): string {
  const iso = new Date(t).toISOString();
  return step >= 1440 * MINUTE ? iso.slice(5, 10) : iso.slice(11, 16);
}

/** Where everything of a line chart goes, in points from the top left: one layout feeds both the SVG and the PDF drawing. */
export function layoutLineChart(spec: LineChartSpec, size: { width: number; height: number }): ChartLayout {
  const plot = { x: MARGIN.left, y: MARGIN.top, w: size.width - MARGIN.left - MARGIN.right, h: size.height - MARGIN.top - MARGIN.bottom };
  const span = Math.max(spec.to - spec.from, MINUTE);
  const values = spec.series.flatMap((s) => s.points.map((p) => p.v).filter((v): v is number => v !== null && Number.isFinite(v)));
  const yMax = spec.yMax !== undefined && spec.yMax > 0 ? spec.yMax : niceCeil(Math.max(0, ...values));
  const xOf = (t: number) => r1(plot.x + ((Math.min(Math.max(t, spec.from), spec.from + span) - spec.from) / span) * plot.w);
  const yOf = (v: number) => r1(plot.y + plot.h - (Math.min(Math.max(v, 0), yMax) / yMax) * plot.h);

  const lines = spec.series.map((s) => {
    const segments: Array<Array<[number, number]>> = [];
    let current: Array<[number, number]> = [];
    for (const p of [...s.points].sort((a, b) => a.t - b.t)) {
      if (p.v === null || !Number.isFinite(p.v)) {
        if (current.length > 0) segments.push(current);
        current = [];
        continue;
      }
      current.push([xOf(p.t), yOf(p.v)]);
    }
    if (current.length > 0) segments.push(current);
    return { label: s.label, color: s.color, segments };
  });

  const step = TICK_STEPS.find((s) => span / s <= MAX_X_TICKS) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const xTicks: ChartLayout['xTicks'] = [];
  for (let t = Math.ceil(spec.from / step) * step; t <= spec.from + span; t += step) xTicks.push({ x: xOf(t), label: timeLabel(t, step) });
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ y: yOf(f * yMax), label: formatValue(f * yMax, spec.unit) }));
  const shaded = (spec.shaded ?? [])
    .map((s) => ({ x: xOf(s.from), w: r1(xOf(s.to) - xOf(s.from)), label: s.label }))
    .filter((s) => s.w > 0);
  return { width: size.width, height: size.height, title: spec.title, plot, lines, xTicks, yTicks, shaded, isEmpty: values.length === 0 };
}
