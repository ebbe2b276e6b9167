import type { ProviderGroup } from './types';

/**
 * MX host suffixes per provider group, checked in order. Suffixes, not substrings, so that a
 * look-alike such as `google.com.example.net` is not taken for Google.
 */
const mxSuffixes: ReadonlyArray<readonly [suffix: string, provider: ProviderGroup]> = [
  // Outlook.com / Hotmail consumer mailboxes are served by *.olc.protection.outlook.com.
  ['.olc.protection.outlook.com', 'microsoft-consumer'],
  ['.mail.protection.outlook.com', 'microsoft-365'],
  // Newer Microsoft 365 MX records: <tenant>.<xx>-v1.mx.microsoft (see isMicrosoftMxDomain).
  ['.mx.microsoft', 'microsoft-365'],
  ['.hotmail.com', 'microsoft-consumer'],
  ['.google.com', 'google'],
  ['.googlemail.com', 'google'],
  // Yahoo and AOL both receive through *.yahoodns.net.
  ['.yahoodns.net', 'yahoo'],
  ['.mail.icloud.com', 'apple'],
  ['.me.com', 'apple'],
  ['.comcast.net', 'comcast'],
  ['.att.net', 'att'],
  ['.prodigy.net', 'att'],
  ['.gmx.net', 'gmx-webde'],
  ['.gmx.com', 'gmx-webde'],
  ['.web.de', 'gmx-webde'],
  ['.mail.ru', 'mailru'],
  ['.yandex.net', 'yandex'],
  ['.yandex.ru', 'yandex'],
  ['.zoho.com', 'zoho'],
  ['.zoho.eu', 'zoho'],
  ['.messagingengine.com', 'fastmail'],
  ['.pphosted.com', 'proofpoint'],
  ['.ppe-hosted.com', 'proofpoint'],
  ['.mimecast.com', 'mimecast'],
  ['.mimecast.co.za', 'mimecast'],
  ['.barracudanetworks.com', 'barracuda'],
];

/** Recipient domains of the big mailbox providers (used only when the MX host is unknown). */
const domainExact: Readonly<Record<string, ProviderGroup>> = {
  'gmail.com': 'google',
  'googlemail.com': 'google',
  'aol.com': 'yahoo',
  'ymail.com': 'yahoo',
  'rocketmail.com': 'yahoo',
  'verizon.net': 'yahoo',
  'msn.com': 'microsoft-consumer',
  'icloud.com': 'apple',
  'me.com': 'apple',
  'mac.com': 'apple',
  'comcast.net': 'comcast',
  'att.net': 'att',
  'sbcglobal.net': 'att',
  'bellsouth.net': 'att',
  'gmx.net': 'gmx-webde',
  'gmx.de': 'gmx-webde',
  'gmx.com': 'gmx-webde',
  'web.de': 'gmx-webde',
  'mail.ru': 'mailru',
  'yandex.ru': 'yandex',
  'yandex.com': 'yandex',
  'zoho.com': 'zoho',
  'fastmail.com': 'fastmail',
  'fastmail.fm': 'fastmail',
};

/** Consumer brands with many country domains: yahoo.co.uk, hotmail.fr, outlook.de, live.com.au … */
const domainBrands: ReadonlyArray<readonly [brand: string, provider: ProviderGroup]> = [
  ['yahoo', 'yahoo'],
  ['hotmail', 'microsoft-consumer'],
  ['outlook', 'microsoft-consumer'],
  ['live', 'microsoft-consumer'],
];

function cleanHost(value: string | null | undefined): string | null {
  if (!value) return null;
  const host = value.trim().toLowerCase().replace(/\.$/, '');
  return host.length > 0 && host.length <= 255 ? host : null;
}

function fromMxHost(host: string): ProviderGroup | null {
  const dotted = `.${host}`;
  for (const [suffix, provider] of mxSuffixes) {
    if (dotted.endsWith(suffix)) return provider;
  }
  return null;
}

function fromDomain(domain: string): ProviderGroup | null {
  const exact = domainExact[domain];
  if (exact) return exact;
  const firstLabel = domain.split('.', 1)[0] ?? '';
  const brand = domainBrands.find(([name]) => name === firstLabel);
  // A brand only counts with a public suffix after it (yahoo.co.jp, live.com.au), not live.example.org.
  return brand && /^[a-z]+\.(?:com|co|net|[a-z]{2})(?:\.[a-z]{2})?$/.test(domain) ? brand[1] : null;
}

/**
 * Mailbox-provider group of a destination: from the MX host first, else from the recipient
 * domain, else 'other'.
 */
export function providerFor(mxHost: string | null | undefined, recipientDomain: string | null | undefined): ProviderGroup {
  const host = cleanHost(mxHost);
  const byHost = host ? fromMxHost(host) : null;
  if (byHost) return byHost;
  const domain = cleanHost(recipientDomain);
  return (domain ? fromDomain(domain) : null) ?? 'other';
}

/** True for the newer Microsoft 365 MX names (`*.mx.microsoft`), which providerFor reports as microsoft-365. */
export function isMicrosoftMxDomain(mxHost: string | null | undefined): boolean {
  const host = cleanHost(mxHost);
  return host !== null && host.endsWith('.mx.microsoft');
}

/**
 * Wording that identifies the provider that wrote a reply, for replies seen without an MX host
 * (NDR diagnostic codes, webhook payloads). Microsoft's wording does not tell 365 from consumer,
 * so it points at both groups.
 */
const textSignals: ReadonlyArray<readonly [RegExp, readonly ProviderGroup[]]> = [
  [
    /outlook\.com\b|\blive\.com\b|microsoft\.com\b|sender\.office\.com|\bhotmail\b|The mail server \[|\(A?S\d{3,9}\)|\bAS\(\d{3,12}\)/i,
    ['microsoft-365', 'microsoft-consumer'],
  ],
  [/\bgsmtp\b|google\.com\b|Try again later, closing connection|Our system has detected|The email account that you tried to reach/i, ['google']],
  [/yahoo|yahoodns|verizonmedia|\baol\.com\b|temporarily deferred due to|\[(?:TSS?|IPTS|BL|PH)\d{1,3}\]/i, ['yahoo']],
  [/apple\.com\b|icloud\.com\b|\bme\.com\b|\[CS\d{2}\]/i, ['apple']],
  [/comcast/i, ['comcast']],
  [/\bgmx\b|\bweb\.de\b/i, ['gmx-webde']],
  [/mail\.ru\b/i, ['mailru']],
  [/yandex|ya\.cc\b/i, ['yandex']],
  [/\bzoho\b/i, ['zoho']],
  [/mimecast/i, ['mimecast']],
  [/proofpoint|pphosted/i, ['proofpoint']],
  [/cuda_nsu|barracuda/i, ['barracuda']],
];

/** Provider groups whose wording appears in a reply text. */
export function providersNamedInText(text: string): ProviderGroup[] {
  return textSignals.flatMap(([pattern, groups]) => (pattern.test(text) ? groups : []));
}
