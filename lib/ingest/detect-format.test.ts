import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { corpusPath, readCorpus, readCorpusBytes } from '@/lib/test-support/corpus';
import { detectFormat } from './detect-format';
import type { FormatName } from './types';

function corpusFiles(dir: string): string[] {
  return readdirSync(corpusPath(dir), { recursive: true, encoding: 'utf8' })
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
    .filter((f) => statSync(corpusPath(f)).isFile())
    .sort();
}

function expected(file: string): FormatName | null {
  const name = path.posix.basename(file);
  if (file.startsWith('postfix/')) return name.endsWith('.tsv') ? null : 'postfix';
  if (file.startsWith('exim/')) return 'exim';
  if (file.startsWith('powermta/')) return name.endsWith('.csv') ? 'powermta' : null;
  if (file.startsWith('kumomta/')) return /\.jsonc?l?$/.test(name) ? 'kumomta' : null;
  if (/^(ses-|sisimai-amazonses-)/.test(name)) return 'ses';
  if (/^(sendgrid-|sisimai-sendgrid-)/.test(name)) return 'sendgrid';
  if (name.startsWith('mailgun-')) return 'mailgun';
  if (name.startsWith('postmark-')) return 'postmark';
  throw new Error(`no expectation for ${file}`);
}

const positives = ['postfix', 'exim', 'powermta', 'kumomta', 'webhooks'].flatMap(corpusFiles).filter((f) => expected(f) !== null);

test('the corpus has files of every format to detect', () => {
  const counts = new Map<FormatName | null, number>();
  for (const f of positives) counts.set(expected(f), (counts.get(expected(f)) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual(['exim', 'kumomta', 'mailgun', 'postfix', 'postmark', 'powermta', 'sendgrid', 'ses']);
  expect(positives.length).toBeGreaterThan(120);
});

test.each(positives)('%s is detected from its content', (file) => {
  expect(detectFormat(readCorpus(file))?.format).toBe(expected(file));
});

test.each(positives.filter((f) => readCorpus(f).length > 200))('%s is still detected when cut after 60 percent of its text', (file) => {
  const text = readCorpus(file);
  expect(detectFormat(text.slice(0, Math.floor(text.length * 0.6)))?.format).toBe(expected(file));
});

test('the first 64 KB of the largest Postfix log is enough', () => {
  const big = readCorpus('postfix/lightmeter/complete-logs_sample-mail.log');
  expect(big.length).toBeGreaterThan(65_536);
  expect(detectFormat(big.slice(0, 65_536))).toEqual({ format: 'postfix', reason: expect.stringMatching(/Postfix log line/) });
});

test('generic NDJSON, a generic JSON array and a generic CSV header', () => {
  const ndjson = '{"occurredAt":"2023-10-11T02:17:50Z","outcome":"deferred","recipient":"a@contoso.com","eventType":"x","mail":{}}\n';
  expect(detectFormat(ndjson)?.format).toBe('ndjson');
  expect(detectFormat(`[${ndjson.trim()}]`)?.format).toBe('ndjson');
  expect(detectFormat('{"occurred_at":"2023-10-11T02:17:50Z","outcome":"bounced","recipient_domain":"contoso.com"}')?.format).toBe('ndjson');
  expect(detectFormat('occurred_at,outcome,recipient\r\n2023-10-11T02:17:50Z,deferred,a@contoso.com\r\n')?.format).toBe('csv');
  expect(detectFormat('type,timeLogged,rcpt,dsnStatus\nd,2023-10-11 02:17:50+0000,a@contoso.com,2.0.0 (success)\n')).toEqual({
    format: 'powermta',
    reason: 'PowerMTA accounting header (type, timeLogged, rcpt, dsnStatus)',
  });
});

const negatives = corpusFiles('dmarc');

test.each(negatives)('%s (DMARC / TLS-RPT, not a delivery log) is not detected', (file) => {
  expect(detectFormat(readCorpusBytes(file).toString('utf8'))).toBeNull();
});

test('empty, English prose, other CSV, other JSON and binary garbage are not detected', () => {
  expect(detectFormat('')).toBeNull();
  expect(detectFormat('  \n\n')).toBeNull();
  expect(detectFormat('Our mail to Microsoft was deferred yesterday; the status= page said to retry later.\nThanks, ops')).toBeNull();
  expect(detectFormat('name,email,plan\nAda,ada@example.com,pro\n')).toBeNull();
  expect(detectFormat('{"type":"Delivery","note":"no KumoMTA keys here"}')).toBeNull();
  expect(detectFormat('\u0000\u0001\u0002binary\u0000')).toBeNull();
  expect(detectFormat(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03]).toString('utf8'))).toBeNull();
});

test('property: any string or decoded bytes never throw', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8'))), (sample) => {
      const r = detectFormat(sample);
      expect(r === null || r.reason.length > 0).toBe(true);
    }),
  );
});
