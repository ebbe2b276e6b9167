import { expect, test } from 'vitest';
import { explainReply, kbVersion } from './index';

// The reference reply in DESIGN.md (from the 11 October 2023 Microsoft 365 incident).
const REFERENCE =
  '451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]';

test('DESIGN.md reference reply, field by field', () => {
  const a = explainReply(REFERENCE, { mxHost: 'contoso-com.mail.protection.outlook.com', recipientDomain: 'contoso.com' });
  expect(a.smtpCode).toBe(451);
  expect(a.enhancedCode).toBe('4.7.500');
  expect(a.temporary).toBe(true);
  expect(a.provider).toBe('microsoft-365');
  expect(a.sendingIp).toBe('203.0.113.7');
  expect(a.providerToken).toBe('S77714');
  expect(a.providerHost).toBe('MW2NAM12FT080.eop-nam12.prod.protection.outlook.com');
  expect(a.providerRegion).toBe('NAM');
  expect(a.providerTimestamp).toBe('2023-10-11T02:17:50.557Z');
  expect(a.correlationId).toBe('08DBC41AE3EEAC91');
  expect(a.kbRule).toBe('microsoft.server-busy');
  expect(a.category).toBe('throttling');
  expect(a.scope).toBe('ip');
  expect(a.isPerRecipientTemporary).toBe(false);
  expect(a.avoid).toMatch(/DNS|MX/);
});

test('the reference reply is understood without any context too (Microsoft wording in the text)', () => {
  const a = explainReply(REFERENCE);
  expect(a.provider).toBe('other');
  expect(a.kbRule).toBe('microsoft.server-busy');
});

test('codes from a Postfix "host … said:" wrapper and from a multi-line Gmail reply', () => {
  const wrapped = explainReply(
    'host mta5.am0.yahoodns.net[67.195.228.106] said: 421 4.7.0 [TSS04] Messages from 78.225.183.108 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html (in reply to MAIL FROM command)',
  );
  expect(wrapped).toMatchObject({ smtpCode: 421, enhancedCode: '4.7.0', providerToken: 'TSS04', sendingIp: '78.225.183.108', kbRule: 'yahoo.tss04' });

  const multi = explainReply(
    '421-4.7.28 [xxx.59.88.xxx       4] Our system has detected an unusual rate of 421-4.7.28 unsolicited mail originating from your IP address. To protect our 421-x.x.xx users from spam, mail sent from your IP address has been temporarily 421-x.x.xx rate limited. Please visit 421-x.x.xx  https://support.google.com/mail/?p=UnsolicitedRateLimitError to 421 x.x.xx review our Bulk Email Senders Guidelines. z1si9679476pln.401 - gsmtp',
  );
  expect(multi).toMatchObject({ smtpCode: 421, enhancedCode: '4.7.28', temporary: true, limitedIdentity: 'ip', sendingIp: null, scope: 'ip' });
});

test('smtp; prefix and a permanent block', () => {
  const a = explainReply(
    'smtp;550 5.7.1 Unfortunately, messages from [x.xx.xx.xx] weren\'t sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [#.eop-nam02.prod.protection.outlook.com]',
  );
  expect(a).toMatchObject({ smtpCode: 550, enhancedCode: '5.7.1', temporary: false, providerToken: 'S3150', sendingIp: null, providerHost: null, category: 'blocklist' });
});

test('region and correlation id of the newer PEPF front ends, and Microsoft AS(…) tokens', () => {
  const a = explainReply(
    '4.7.650 The mail server [69.72.42.6] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S775) [Name=Protocol Filter Agent][AGT=PFA][MxId=11B9A39F520F25FB] [AMS0EPF000001B0.eurprd05.prod.outlook.com 2024-10-07T11:32:37.217Z 08DCD1CFD0B7A9E3]',
  );
  expect(a).toMatchObject({ smtpCode: null, enhancedCode: '4.7.650', temporary: true, sendingIp: '69.72.42.6', providerToken: 'S775' });
  expect(a).toMatchObject({ providerHost: 'AMS0EPF000001B0.eurprd05.prod.outlook.com', providerRegion: 'EUR', correlationId: '08DCD1CFD0B7A9E3' });
  expect(explainReply('550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [PR2FRA01FT009.eop-fra01.prod.protection.outlook.com]')).toMatchObject({
    providerToken: 'AS(201806281)',
    providerRegion: 'FRA',
    providerTimestamp: null,
  });
});

test('Gmail names the client IP, IPv6 included', () => {
  const a = explainReply(
    '550-5.7.1 [2607:4100:3:25:100::2      12] Our system has detected that this 550-5.7.1 message is likely unsolicited mail. To reduce the amount of spam sent 550-5.7.1 to Gmail, this message has been blocked. Please visit 550-5.7.1 http://support.google.com/mail/bin/answer.py?hl=en&answer=188131 for 550 5.7.1 more information. qc12si8475009pab.211 - gsmtp',
  );
  expect(a.sendingIp).toBe('2607:4100:3:25:100::2');
});

test('Gmail 4.7.28 limited identity decides the scope', () => {
  // The corpus holds only the IP variant; this DKIM-domain wording is as senders reported it
  // (suped.com, "What causes Gmail DKIM domain rate limiting errors"), not a verbatim capture.
  const dkim = explainReply(
    '421-4.7.28 Gmail has detected an unusual rate of mail originating from your DKIM domain [example.com 15]. To protect our users from spam, mail has been temporarily rate limited.',
    { mxHost: 'gmail-smtp-in.l.google.com' },
  );
  expect(dkim).toMatchObject({ limitedIdentity: 'dkim-domain', scope: 'domain', kbRule: 'google.rate-limit' });
});

test('enhanced code falls back to the context (Postfix dsn=) and temporary to the rule', () => {
  const a = explainReply('TLS is required, but was not offered by host hotmail-com.olc.protection.outlook.com[104.47.2.33]', {
    mxHost: 'hotmail-com.olc.protection.outlook.com',
    enhancedCode: '4.7.4',
  });
  expect(a).toMatchObject({ smtpCode: null, enhancedCode: '4.7.4', temporary: true, provider: 'microsoft-consumer', category: 'infrastructure' });
  expect(explainReply('lost connection with mta7.am0.yahoodns.net[67.195.228.110] while sending RCPT TO')).toMatchObject({ temporary: true, enhancedCode: null });
  expect(explainReply('Connection refused', { smtpCode: 421 }).smtpCode).toBe(421);
});

test('per-recipient temporary only for temporary per-recipient rules', () => {
  expect(explainReply('smtp;452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp').isPerRecipientTemporary).toBe(true);
  expect(explainReply('smtp;552 5.2.2 Mailbox size limit exceeded').isPerRecipientTemporary).toBe(false);
  expect(explainReply('450 4.7.1 <user@example.com>: Recipient address rejected: Greylisted for 5 minutes').isPerRecipientTemporary).toBe(true);
});

test('an unrecognised reply is an honest unknown', () => {
  const a = explainReply('smtp;422 License Expired');
  expect(a).toMatchObject({ smtpCode: 422, category: 'unknown', kbRule: null, scope: null, meaning: null, sources: [] });
  expect(explainReply('')).toMatchObject({ smtpCode: null, enhancedCode: null, temporary: null, category: 'unknown', signature: '' });
});

test('masked or impossible IPs are not reported as the sending IP', () => {
  expect(explainReply('421 4.7.0 [TS01] Messages from 198.500.500.500 temporarily deferred due to user complaints').sendingIp).toBeNull();
  expect(explainReply('421 4.7.0 [TSS05] Messages from a.b.c.d temporarily deferred due to user complaints').sendingIp).toBeNull();
});

test('kbVersion identifies the rule set', () => {
  expect(kbVersion).toMatch(/^kb-\d+-[0-9a-f]{8}$/);
});
