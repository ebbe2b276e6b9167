import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { readCorpusBytes } from '@/lib/test-support/corpus';
import { looksLikeDmarcReport, SNIFF_BYTES } from './sniff';

const prefix = (b: Buffer) => b.subarray(0, SNIFF_BYTES);

test('DMARC aggregate reports are recognised as XML, gzip, zip and e-mail', () => {
  for (const file of [
    'dmarc/aggregate/protection.outlook.com!example.com!1711756800!1711843200.xml',
    'dmarc/aggregate/fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz',
    'dmarc/aggregate/estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940.xml.zip',
    'dmarc/aggregate/twilight.eml',
    'dmarc/aggregate/google.com-report-borschow.com-949348866075514174.eml',
  ]) {
    expect(looksLikeDmarcReport(prefix(readCorpusBytes(file))), file).toBe(true);
  }
});

test('delivery logs and webhook payloads, plain or gzip, are not taken for DMARC reports', () => {
  for (const file of ['postfix/github-issues/Mailu-Mailu-3013.log', 'exim/exim-testsuite/test-log-0612.log', 'webhooks/ses-notification-bounce-with-dsn.json', 'webhooks/sendgrid-deferred.json']) {
    const bytes = readCorpusBytes(file);
    expect(looksLikeDmarcReport(prefix(bytes)), file).toBe(false);
    expect(looksLikeDmarcReport(prefix(gzipSync(bytes))), `${file}.gz`).toBe(false);
  }
});
