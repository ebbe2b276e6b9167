import { expect, test } from 'vitest';
import { replySignature } from './signature';

test('two S77714 replies from different IPs, front ends, times and ids share one signature', () => {
  const a = replySignature(
    '451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]',
  );
  const b = replySignature(
    '451 4.7.500 Server busy. Please try again later from [198.51.100.23]. (S77714) [DM6NAM11FT088.eop-nam11.prod.protection.outlook.com 2023-10-11T05:01:12.004Z 08DBD70830F39917]',
  );
  expect(a).toBe(b);
  expect(a).toBe('451 4.7.500 Server busy. Please try again later from [<ip>]. (S77714) [<host> <ts> <hex>]');
});

test('different families and different tokens do not collide', () => {
  const busy = replySignature('451 4.7.500 Server busy. Please try again later from [174.136.107.245]. (AS843)');
  const s3150 = replySignature(
    "550 5.7.1 Unfortunately, messages from [82.98.171.203] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
  );
  const s3140 = replySignature(
    "550 5.7.1 Unfortunately, messages from [82.98.171.203] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
  );
  expect(new Set([busy, s3150, s3140]).size).toBe(3);
});

test('Yahoo replies from different IPs cluster; Gmail per-message ids and multi-line prefixes are masked', () => {
  const y1 = replySignature('421 4.7.0 [TSS04] Messages from 157.245.96.95 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html');
  const y2 = replySignature('421 4.7.0 [TSS04] Messages from 78.225.183.108 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html');
  expect(y1).toBe(y2);
  expect(y1).toContain('[TSS04]');

  const g1 = replySignature(
    '550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient\'s email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser od20si504618ejb.621 - gsmtp',
  );
  const g2 = replySignature(
    "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser y3si675602plr.1 - gsmtp",
  );
  expect(g1).toBe(g2);
  expect(g1).toMatch(/<id> - gsmtp$/);
  expect(g1).not.toMatch(/550-5\.1\.1 double/);
});

test('addresses, Postfix wrappers and IPv6 are masked', () => {
  const a = replySignature('host mx.example.com[11.22.33.44] said: 550 5.1.1 <invalid.email@example.com> User unknown (in reply to RCPT TO command)');
  expect(a).toBe('550 5.1.1 <<email>> User unknown');
  expect(replySignature('connect to aspmx.l.google.com[2a00:1450:400b:c02::1a]:25: Network is unreachable')).toContain('[<ip>]');
});

test('every address, Gmail id, timestamp and IPv6 literal of a reply is masked, however many there are', () => {
  const reply =
    '550 5.1.1 <a.b@example.com>, <c@d.example.org> and x@y.example unknown; ab12cd.34 - gsmtp ef56gh.78 - gsmtp at 2023-10-11T02:17:50Z, 2023-10-11T02:17:51.5Z from 2a00:1450::1b and fe80::1';
  expect(replySignature(reply)).toBe('550 5.1.1 <<email>>, <<email>> and <email> unknown; <id> - gsmtp <id> - gsmtp at <ts>, <ts> from <ip> and <ip>');
});
