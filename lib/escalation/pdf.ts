import PDFDocument from 'pdfkit';
import type { ChartLayout } from './line-chart';
import type { SummaryDoc } from './summary';

const MARGIN = 48;
const SHADE_COLOURS = ['#fde2e1', '#fdf0d5', '#dbeafe', '#dcfce7'];
// Characters the standard PDF fonts (WinAnsiEncoding, PDF 1.7 Annex D) can show besides Latin-1.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard fonts can draw: characters outside WinAnsi become "?" (the CSV and Markdown files keep the original). */
export function pdfSafe(text: string): string {
  return [...text].map((c) => ((c.codePointAt(0) ?? 0) <= 0xff || WIN_ANSI_EXTRA.has(c) ? c : '?')).join('');
}

function drawChart(doc: PDFKit.PDFDocument, layout: ChartLayout, x: number, y: number, width: number): number {
  const scale = width / layout.width;
  const { plot } = layout;
  doc.save().translate(x, y).scale(scale);
  doc.fillColor('#111827').font('Helvetica-Bold').fontSize(13).text(pdfSafe(layout.title), plot.x, 6, { lineBreak: false });
  layout.shaded.forEach((s, i) => {
    doc.rect(s.x, plot.y, s.w, plot.h).fill(SHADE_COLOURS[i % SHADE_COLOURS.length] ?? '#eeeeee');
    doc.fillColor('#6b7280').font('Helvetica').fontSize(9).text(pdfSafe(s.label), s.x + 2, plot.y + 2, { lineBreak: false });
  });
  doc.font('Helvetica').fontSize(10);
  for (const t of layout.yTicks) {
    doc.moveTo(plot.x, t.y).lineTo(plot.x + plot.w, t.y).lineWidth(1).strokeColor('#e5e7eb').stroke();
    doc.fillColor('#4b5563').text(t.label, plot.x - 52, t.y - 4, { width: 46, align: 'right', lineBreak: false });
  }
  for (const t of layout.xTicks) {
    doc.moveTo(t.x, plot.y + plot.h).lineTo(t.x, plot.y + plot.h + 4).strokeColor('#9ca3af').stroke();
    doc.fillColor('#4b5563').text(t.label, t.x - 20, plot.y + plot.h + 8, { width: 40, align: 'center', lineBreak: false });
  }
  doc.rect(plot.x, plot.y, plot.w, plot.h).lineWidth(1).strokeColor('#9ca3af').stroke();
  for (const line of layout.lines) {
    for (const seg of line.segments) {
      const [first, ...rest] = seg;
      if (!first) continue;
      if (rest.length === 0) {
        doc.circle(first[0], first[1], 1.5).fill(line.color);
        continue;
      }
      doc.moveTo(first[0], first[1]);
      for (const [px, py] of rest) doc.lineTo(px, py);
      doc.lineWidth(1.5).lineJoin('round').strokeColor(line.color).stroke();
    }
  }
  if (layout.isEmpty) doc.fillColor('#6b7280').fontSize(12).text('No data in this window', plot.x, plot.y + plot.h / 2 - 6, { width: plot.w, align: 'center', lineBreak: false });
  layout.lines.forEach((line, i) => {
    const lx = plot.x + i * 160;
    const ly = layout.height - 8;
    doc.moveTo(lx, ly - 4).lineTo(lx + 16, ly - 4).lineWidth(2).strokeColor(line.color).stroke();
    doc.fillColor('#111827').fontSize(10).text(pdfSafe(line.label), lx + 20, ly - 9, { lineBreak: false });
  });
  doc.restore();
  return layout.height * scale;
}

/**
 * The summary as a PDF: the same blocks as summary.md, the charts drawn as vector paths from the same layouts as the
 * SVG files. Deterministic: the creation date is given (pdfkit derives the file ID from the info dictionary) and no
 * font is embedded (the standard Helvetica and Courier), so the same data gives the same bytes.
 */
export function renderSummaryPdf(summary: SummaryDoc, charts: Record<'deferral-rate' | 'queue-depth', ChartLayout>, opts: { creationDate: Date }): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    pdfVersion: '1.7',
    compress: true,
    info: { Title: pdfSafe(summary.title), Author: 'Deferral Desk', Creator: 'Deferral Desk', Producer: 'Deferral Desk (PDFKit)', CreationDate: opts.creationDate },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const ensure = (height: number) => {
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
  };
  doc.font('Helvetica-Bold').fontSize(16).fillColor('#111827').text(pdfSafe(summary.title), { width });
  doc.moveDown(0.5);
  for (const b of summary.blocks) {
    if (b.kind === 'heading') {
      ensure(40);
      doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12).fillColor('#111827').text(pdfSafe(b.text), MARGIN, doc.y, { width });
      doc.moveDown(0.3);
    } else if (b.kind === 'paragraph') {
      doc.font('Helvetica').fontSize(10).fillColor('#111827').text(pdfSafe(b.text), MARGIN, doc.y, { width });
      doc.moveDown(0.4);
    } else if (b.kind === 'facts') {
      for (const [k, v] of b.rows) {
        ensure(14);
        doc.font('Helvetica-Bold').fontSize(10).fillColor('#374151').text(`${pdfSafe(k)}: `, MARGIN, doc.y, { continued: true, width });
        doc.font('Helvetica').fillColor('#111827').text(pdfSafe(v));
      }
      doc.moveDown(0.4);
    } else if (b.kind === 'bullets') {
      for (const item of b.items) {
        ensure(14);
        doc.font('Helvetica').fontSize(10).fillColor('#111827').text(`•  ${pdfSafe(item)}`, MARGIN + 8, doc.y, { width: width - 8 });
        doc.moveDown(0.15);
      }
      doc.moveDown(0.3);
    } else if (b.kind === 'verbatim') {
      doc.font('Courier').fontSize(8);
      const height = doc.heightOfString(pdfSafe(b.text), { width: width - 12 }) + 10;
      ensure(height);
      const top = doc.y;
      doc.rect(MARGIN, top, width, height).fill('#f3f4f6');
      doc.fillColor('#111827').text(pdfSafe(b.text), MARGIN + 6, top + 5, { width: width - 12 });
      doc.y = top + height;
      doc.moveDown(0.4);
    } else {
      const layout = charts[b.name];
      const height = layout.height * (width / layout.width);
      ensure(height + 30);
      const top = doc.y;
      drawChart(doc, layout, MARGIN, top, width);
      doc.y = top + height + 4;
      doc.font('Helvetica-Oblique').fontSize(8).fillColor('#4b5563').text(pdfSafe(b.caption), MARGIN, doc.y, { width });
      doc.moveDown(0.6);
    }
  }
  doc.end();
  return done;
}
