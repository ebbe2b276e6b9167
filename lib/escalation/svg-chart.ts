import type { ChartLayout } from './line-chart';
import { xmlEscape } from './text';

const SHADE_COLOURS = ['#fde2e1', '#fdf0d5', '#dbeafe', '#dcfce7'];
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/**
 * A standalone SVG document of a laid-out line chart: no script, no external reference, every text
 * XML-escaped, so the file opens in any browser or viewer and reply text stays text.
 */
export function renderSvgChart(layout: ChartLayout): string {
  const { plot } = layout;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="${xmlEscape(layout.title)}">`,
    `<title>${xmlEscape(layout.title)}</title>`,
    `<rect x="0" y="0" width="${layout.width}" height="${layout.height}" fill="#ffffff"/>`,
    `<text x="${plot.x}" y="18" ${FONT} font-size="13" font-weight="bold" fill="#111827">${xmlEscape(layout.title)}</text>`,
  ];
  layout.shaded.forEach((s, i) => {
    out.push(`<rect x="${s.x}" y="${plot.y}" width="${s.w}" height="${plot.h}" fill="${SHADE_COLOURS[i % SHADE_COLOURS.length]}"><title>${xmlEscape(s.label)}</title></rect>`);
    out.push(`<text x="${s.x + 2}" y="${plot.y + 10}" ${FONT} font-size="9" fill="#6b7280">${xmlEscape(s.label)}</text>`);
  });
  for (const t of layout.yTicks) {
    out.push(`<line x1="${plot.x}" y1="${t.y}" x2="${plot.x + plot.w}" y2="${t.y}" stroke="#e5e7eb" stroke-width="1"/>`);
    out.push(`<text x="${plot.x - 6}" y="${t.y + 3}" ${FONT} font-size="10" fill="#4b5563" text-anchor="end">${xmlEscape(t.label)}</text>`);
  }
  for (const t of layout.xTicks) {
    out.push(`<line x1="${t.x}" y1="${plot.y + plot.h}" x2="${t.x}" y2="${plot.y + plot.h + 4}" stroke="#9ca3af" stroke-width="1"/>`);
    out.push(`<text x="${t.x}" y="${plot.y + plot.h + 16}" ${FONT} font-size="10" fill="#4b5563" text-anchor="middle">${xmlEscape(t.label)}</text>`);
  }
  out.push(`<rect x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="none" stroke="#9ca3af" stroke-width="1"/>`);
  for (const line of layout.lines) {
    for (const seg of line.segments) {
      if (seg.length === 1) {
        const [x, y] = seg[0]!;
        out.push(`<circle cx="${x}" cy="${y}" r="1.5" fill="${line.color}"/>`);
      } else {
        out.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.5" stroke-linejoin="round" points="${seg.map(([x, y]) => `${x},${y}`).join(' ')}"/>`);
      }
    }
  }
  if (layout.isEmpty) {
    out.push(`<text x="${plot.x + plot.w / 2}" y="${plot.y + plot.h / 2}" ${FONT} font-size="12" fill="#6b7280" text-anchor="middle">No data in this window</text>`);
  }
  layout.lines.forEach((line, i) => {
    const x = plot.x + i * 160;
    const y = layout.height - 8;
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 16}" y2="${y - 4}" stroke="${line.color}" stroke-width="2"/>`);
    out.push(`<text x="${x + 20}" y="${y}" ${FONT} font-size="10" fill="#111827">${xmlEscape(line.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
