import { createHash } from 'node:crypto';
import type { DnsResolver } from '@/lib/auth-status/dns/resolver';
import { collectPackageData } from './collect';
import {
  affectedIpsCsv,
  authenticationCsv,
  authenticationJson,
  chartLayouts,
  queueCsv,
  retriesCsv,
  supportFormText,
  timelineCsv,
  transcriptsCsv,
} from './files';
import type { PackageData, PackageFile } from './model';
import { renderSummaryPdf } from './pdf';
import { buildSummary, summaryMarkdown } from './summary';
import { renderSvgChart } from './svg-chart';
import { stableJson } from './text';
import { zipFiles } from './zip';

export const MANIFEST_NAME = 'manifest.json';

export interface EscalationPackage {
  /** every file, sorted by name, the manifest included */
  files: PackageFile[];
  zip: Uint8Array<ArrayBuffer>;
  /** the download name: escalation-<org slug>-<incident id>.zip, letters, digits and dashes only */
  filename: string;
  generatedAt: string;
}

const text = (name: string, contentType: string, body: string): PackageFile => ({ name, contentType, bytes: new TextEncoder().encode(body) });
const byName = (a: PackageFile, b: PackageFile) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The package's files from its data (no I/O but the PDF stream): the same data gives the same bytes in every file but
 * the manifest, whose generation time is the only part that changes.
 */
export async function assemblePackage(d: PackageData, generatedAt: Date): Promise<EscalationPackage> {
  const charts = chartLayouts(d);
  const dataFiles: PackageFile[] = [
    text('transcripts.csv', 'text/csv; charset=utf-8', transcriptsCsv(d)),
    text('affected-ips.csv', 'text/csv; charset=utf-8', affectedIpsCsv(d)),
    text('queue.csv', 'text/csv; charset=utf-8', queueCsv(d)),
    text('retries.csv', 'text/csv; charset=utf-8', retriesCsv(d)),
    text('authentication.csv', 'text/csv; charset=utf-8', authenticationCsv(d)),
    text('authentication.json', 'application/json', authenticationJson(d)),
    text('timeline.csv', 'text/csv; charset=utf-8', timelineCsv(d)),
    text('support-form.txt', 'text/plain; charset=utf-8', supportFormText(d)),
    text('charts/deferral-rate.svg', 'image/svg+xml', renderSvgChart(charts.deferralRate)),
    text('charts/queue-depth.svg', 'image/svg+xml', renderSvgChart(charts.queueDepth)),
  ];
  const names = ['summary.md', 'summary.pdf', ...dataFiles.map((f) => f.name), MANIFEST_NAME].sort();
  const summary = buildSummary(d, names);
  // The PDF's creation date is the end of the data window, not the wall clock: it is part of the bytes.
  const pdf = await renderSummaryPdf(summary, { 'deferral-rate': charts.deferralRate, 'queue-depth': charts.queueDepth }, { creationDate: new Date(d.window.to) });
  const files = [text('summary.md', 'text/markdown; charset=utf-8', summaryMarkdown(summary)), { name: 'summary.pdf', contentType: 'application/pdf', bytes: pdf }, ...dataFiles].sort(byName);
  const manifest = {
    organization: d.organization,
    incidentId: d.incident.id,
    generatedAt: generatedAt.toISOString(),
    productVersion: d.productVersion,
    window: d.window,
    recipientsMasked: d.isRecipientMasked,
    files: files.map((f) => ({ name: f.name, contentType: f.contentType, bytes: f.bytes.length, sha256: createHash('sha256').update(f.bytes).digest('hex') })),
  };
  const all = [...files, text(MANIFEST_NAME, 'application/json', stableJson(manifest))].sort(byName);
  const slug = d.organization.slug.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'org';
  return { files: all, zip: zipFiles(all), filename: `escalation-${slug}-${d.incident.id.replace(/[^0-9a-f-]/gi, '')}.zip`, generatedAt: manifest.generatedAt };
}

export interface BuildPackageOptions {
  showRecipients?: boolean;
  /** live PTR lookups; null switches them off; default: none (the route passes the product's resolver) */
  resolver?: DnsResolver | null;
  ptrDeadlineMs?: number;
  now?: Date;
}

/** The escalation package of one incident of one organisation (404 ApiError when it has no such incident). */
export async function buildEscalationPackage(organizationId: string, incidentId: string, opts: BuildPackageOptions = {}): Promise<EscalationPackage> {
  const data = await collectPackageData(organizationId, incidentId, { showRecipients: opts.showRecipients === true, resolver: opts.resolver ?? null, ptrDeadlineMs: opts.ptrDeadlineMs });
  return assemblePackage(data, opts.now ?? new Date());
}
