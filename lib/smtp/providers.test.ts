import { expect, test } from 'vitest';
import { isMicrosoftMxDomain, providerFor } from './providers';

test.each([
  ['contoso-com.mail.protection.outlook.com', null, 'microsoft-365'],
  ['hotmail-com.olc.protection.outlook.com', 'hotmail.com', 'microsoft-consumer'],
  ['contoso-com.l-v1.mx.microsoft', 'contoso.com', 'microsoft-365'],
  ['aspmx.l.google.com', 'example.com', 'google'],
  ['ALT2.ASPMX.L.GOOGLE.com', null, 'google'],
  ['gmail-smtp-in.l.google.com.', null, 'google'],
  ['mx-aol.mail.gm0.yahoodns.net', 'aol.com', 'yahoo'],
  ['mta5.am0.yahoodns.net', null, 'yahoo'],
  ['mx02.mail.icloud.com', null, 'apple'],
  ['mx1.comcast.net', null, 'comcast'],
  ['mx00.gmx.net', null, 'gmx-webde'],
  ['mx-ha03.web.de', null, 'gmx-webde'],
  ['mxs.mail.ru', null, 'mailru'],
  ['mx.yandex.net', null, 'yandex'],
  ['mx.zoho.com', null, 'zoho'],
  ['in1-smtp.messagingengine.com', null, 'fastmail'],
  ['mxa.aaa.pphosted.com', null, 'proofpoint'],
  ['us-smtp-inbound-2.mimecast.com', null, 'mimecast'],
  ['d123456a.ess.barracudanetworks.com', null, 'barracuda'],
  ['mx.example.com', 'gmail.com', 'google'],
  [null, 'yahoo.co.uk', 'yahoo'],
  [null, 'ymail.com', 'yahoo'],
  [null, 'hotmail.fr', 'microsoft-consumer'],
  [null, 'outlook.com', 'microsoft-consumer'],
  [null, 'live.com.au', 'microsoft-consumer'],
  [null, 'msn.com', 'microsoft-consumer'],
  [null, 'me.com', 'apple'],
  [null, 'live.example.org', 'other'],
  ['google.com.example.net', null, 'other'],
  ['mx.example.com', 'example.com', 'other'],
  [undefined, undefined, 'other'],
  ['', '  ', 'other'],
] as const)('providerFor(%s, %s) = %s', (mxHost, domain, expected) => {
  expect(providerFor(mxHost, domain)).toBe(expected);
});

test('the MX host wins over the recipient domain (a Gmail address hosted at Microsoft 365 is Microsoft)', () => {
  expect(providerFor('example-com.mail.protection.outlook.com', 'gmail.com')).toBe('microsoft-365');
});

test('*.mx.microsoft is told apart from the classic Microsoft 365 MX', () => {
  expect(isMicrosoftMxDomain('contoso-com.l-v1.mx.microsoft')).toBe(true);
  expect(isMicrosoftMxDomain('contoso-com.mail.protection.outlook.com')).toBe(false);
  expect(isMicrosoftMxDomain(null)).toBe(false);
});
