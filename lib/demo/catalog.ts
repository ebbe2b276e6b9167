import type { Random } from './random';

/**
 * Where the demo organisation's mail goes and what the receivers answer. Provider names, MX hosts and
 * reply wording follow the real services (replies quoted in corpus/responses and lib/smtp/kb.test.ts);
 * recipient domains are Microsoft's and Google's documented fictitious companies, our IPs are the
 * RFC 5737 documentation ranges.
 */

export type DemoProvider = 'microsoft-365' | 'microsoft-consumer' | 'google' | 'yahoo' | 'apple' | 'other';

/** Exchange Online Protection front-end regions seen in the model incident (DOMAIN.md). */
export type MicrosoftRegion = 'NAM' | 'EUR' | 'APC' | 'AUS';

export interface Destination {
  domain: string;
  provider: DemoProvider;
  mxHost: string;
  mxIps: readonly string[];
  /** Microsoft 365 tenants: the region of the front ends that answer for them. */
  region: MicrosoftRegion | null;
  /** Share of the organisation's mail to this domain (relative). */
  weight: number;
  /** Small receivers that greylist first attempts (postgrey). */
  isGreylisting: boolean;
}

/** Our MTAs and the sending IPs each one binds to (Postfix smtp_bind_address per transport). */
export const sendingHosts: ReadonlyArray<{ host: string; ips: readonly string[] }> = [
  { host: 'out1', ips: ['203.0.113.7', '203.0.113.8'] },
  { host: 'out2', ips: ['203.0.113.9', '198.51.100.20'] },
  { host: 'out3', ips: ['198.51.100.21', '198.51.100.22'] },
];

export const sendingIps: readonly string[] = sendingHosts.flatMap((h) => h.ips);

/** The two IPs Exchange Online Protection limits in the demo incident; the first is the one reported first. */
export const throttledIps = { reported: '203.0.113.7', other: '198.51.100.21' } as const;

export function hostOfIp(ip: string): string {
  return sendingHosts.find((h) => h.ips.includes(ip))?.host ?? 'out1';
}

// Microsoft's fictitious companies (learn.microsoft.com style guide), spread over the four regions.
const tenants: ReadonlyArray<readonly [domain: string, region: MicrosoftRegion, weight: number]> = [
  ['contoso.com', 'NAM', 6],
  ['fabrikam.com', 'NAM', 5],
  ['adatum.com', 'NAM', 3],
  ['litwareinc.com', 'NAM', 2],
  ['northwindtraders.com', 'NAM', 3],
  ['tailspintoys.com', 'NAM', 2],
  ['wingtiptoys.com', 'NAM', 2],
  ['woodgrovebank.com', 'NAM', 3],
  ['proseware.com', 'EUR', 3],
  ['fourthcoffee.com', 'EUR', 3],
  ['alpineskihouse.com', 'EUR', 3],
  ['margiestravel.com', 'EUR', 2],
  ['treyresearch.net', 'EUR', 2],
  ['lucernepublishing.com', 'EUR', 2],
  ['wideworldimporters.com', 'APC', 3],
  ['cohowinery.com', 'APC', 2],
  ['relecloud.com', 'APC', 2],
  ['blueyonderairlines.com', 'AUS', 2],
  ['humongousinsurance.com', 'AUS', 2],
  ['consolidatedmessenger.com', 'AUS', 1],
];

// Exchange Online MX addresses answer from 104.47.0.0/17 and 52.101.0.0/16; one /24 per region here.
const regionMxNet: Record<MicrosoftRegion, string> = { NAM: '104.47.55', EUR: '104.47.17', APC: '104.47.124', AUS: '104.47.71' };

function tenant([domain, region, weight]: readonly [string, MicrosoftRegion, number], index: number): Destination {
  const net = regionMxNet[region];
  return {
    domain,
    provider: 'microsoft-365',
    // Microsoft 365 MX: <domain with dots as dashes>.mail.protection.outlook.com
    mxHost: `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`,
    mxIps: [`${net}.${10 + index}`, `${net}.${110 + index}`],
    region,
    weight,
    isGreylisting: false,
  };
}

const plain = (domain: string, provider: DemoProvider, mxHost: string, mxIps: readonly string[], weight: number, isGreylisting = false): Destination => ({
  domain,
  provider,
  mxHost,
  mxIps,
  region: null,
  weight,
  isGreylisting,
});

/** Every destination with its share of mail: about 30 % Microsoft 365, 30 % Google, 12 % Outlook.com, 10 % Yahoo/AOL. */
export const destinations: readonly Destination[] = [
  ...tenants.map(tenant),
  // Outlook.com consumer mailboxes: <domain with dashes>.olc.protection.outlook.com
  plain('hotmail.com', 'microsoft-consumer', 'hotmail-com.olc.protection.outlook.com', ['52.101.68.14', '52.101.42.3'], 7),
  plain('outlook.com', 'microsoft-consumer', 'outlook-com.olc.protection.outlook.com', ['52.101.11.8', '52.101.73.2'], 4),
  plain('live.com', 'microsoft-consumer', 'live-com.olc.protection.outlook.com', ['52.101.8.40'], 1),
  plain('gmail.com', 'google', 'gmail-smtp-in.l.google.com', ['142.250.27.26', '142.250.27.27', '74.125.206.26'], 22),
  // Google Workspace customers publish aspmx.l.google.com (Google's documented example companies).
  plain('cymbalgroup.com', 'google', 'aspmx.l.google.com', ['142.250.102.26', '142.250.102.27'], 4),
  plain('altostrat.com', 'google', 'aspmx.l.google.com', ['142.250.102.26', '142.250.102.27'], 2),
  plain('examplepetstore.com', 'google', 'aspmx.l.google.com', ['142.250.102.26', '142.250.102.27'], 2),
  // Yahoo and AOL both receive through *.yahoodns.net.
  plain('yahoo.com', 'yahoo', 'mta5.am0.yahoodns.net', ['67.195.204.72', '98.136.96.91', '67.195.228.106'], 7),
  plain('aol.com', 'yahoo', 'mx-aol.mail.gm0.yahoodns.net', ['67.195.204.79', '98.136.96.74'], 3),
  plain('icloud.com', 'apple', 'mx01.mail.icloud.com', ['17.57.154.33', '17.42.251.62'], 4),
  plain('me.com', 'apple', 'mx02.mail.icloud.com', ['17.57.155.23'], 1),
  plain('comcast.net', 'other', 'mx1a1.comcast.net', ['96.103.146.48'], 2),
  plain('gmx.de', 'other', 'mx00.emig.gmx.net', ['212.227.15.9'], 2),
  plain('web.de', 'other', 'mx-ha03.web.de', ['212.227.15.41'], 1),
  plain('example.org', 'other', 'mx.example.org', ['192.0.2.25'], 2, true),
  plain('example.net', 'other', 'mail.example.net', ['192.0.2.40'], 2, true),
  plain('lists.example.edu', 'other', 'mx1.example.edu', ['192.0.2.53'], 1, true),
];

/** Exchange Online Protection front ends per region, as they appear in 4.7.500 replies. */
export const frontEnds: Record<MicrosoftRegion, readonly string[]> = {
  NAM: [
    'MW2NAM12FT080.eop-nam12.prod.protection.outlook.com',
    'BN8NAM11FT045.eop-nam11.prod.protection.outlook.com',
    'CO1NAM11FT012.eop-nam11.prod.protection.outlook.com',
    'DM6NAM10FT063.eop-nam10.prod.protection.outlook.com',
  ],
  EUR: [
    'AM4EUR05FT021.eop-eur05.prod.protection.outlook.com',
    'DB5EUR03FT045.eop-EUR03.prod.protection.outlook.com',
    'HE1EUR04FT033.eop-eur04.prod.protection.outlook.com',
  ],
  APC: ['SG2APC01FT012.eop-APC01.prod.protection.outlook.com', 'HK2APC01FT021.eop-APC01.prod.protection.outlook.com'],
  AUS: ['SY4AUS01FT010.eop-AUS01.prod.protection.outlook.com', 'ME3AUS01FT005.eop-AUS01.prod.protection.outlook.com'],
};

// Exchange Online mailbox servers that accept the message after the front end (Hostname= in the 250 reply).
const mailboxServers: Record<MicrosoftRegion, string> = {
  NAM: 'namprd04.prod.outlook.com',
  EUR: 'eurprd05.prod.outlook.com',
  APC: 'apcprd02.prod.outlook.com',
  AUS: 'ausprd01.prod.outlook.com',
};

export const senders: readonly string[] = ['notifications@mail.example.com', 'billing@example.com', 'news@news.example.com', 'support@example.com'];

export const localParts: readonly string[] = [
  'alex', 'sam', 'jordan', 'maria', 'wei', 'fatima', 'noah', 'olivia', 'liam', 'emma', 'ravi', 'yuki', 'lucas', 'sofia', 'omar', 'chloe',
  'ana', 'mateo', 'aisha', 'ben', 'ines', 'kenji', 'lea', 'max', 'nina', 'paul', 'rosa', 'tom', 'zoe', 'hugo',
];

const msTimestamp = (at: Date, r: Random): string => new Date(at.getTime() - r.int(5, 900)).toISOString();

/** The model incident's reply (DOMAIN.md): front end, Microsoft's timestamp and a correlation id in brackets. */
export function serverBusyReply(sendingIp: string, region: MicrosoftRegion, at: Date, r: Random): string {
  return `451 4.7.500 Server busy. Please try again later from [${sendingIp}]. (S77714) [${r.pick(frontEnds[region])} ${msTimestamp(at, r)} 08DB${r.hex(12)}]`;
}

/** A 250 acceptance in each provider's own words (only failures are classified; these give realistic text). */
export function deliveredReply(d: Destination, messageId: string, at: Date, r: Random): string {
  switch (d.provider) {
    case 'microsoft-365':
    case 'microsoft-consumer': {
      const server = d.region ? mailboxServers[d.region] : 'namprd11.prod.outlook.com';
      const host = `${r.pick(['BN0PR04', 'DM6PR11', 'AM0PR05', 'SY4PR01', 'PH7PR12'])}MB${r.int(1000, 9999)}.${server}`;
      return `250 2.6.0 ${messageId} [InternalId=${r.int(10_000_000, 99_999_999)}${r.int(10_000, 99_999)}, Hostname=${host}] ${r.int(8_000, 90_000)} bytes in ${(r.int(30, 900) / 1000).toFixed(3)}, ${r.int(20, 400)}.${r.int(100, 999)} KB/sec Queued mail for delivery`;
    }
    case 'google':
      return `250 2.0.0 OK  ${Math.floor(at.getTime() / 1000)} ${r.hex(2).toLowerCase()}${r.int(10, 99)}si${r.int(1_000_000, 9_999_999)}wrb.${r.int(1, 999)} - gsmtp`;
    case 'yahoo':
      return '250 ok dirdel';
    case 'apple':
    case 'other':
      return `250 2.0.0 Ok: queued as ${r.hex(11)}`;
  }
}

/** Background failures a day of traffic always has, per provider. */
export function mailboxFullReply(d: Destination, recipient: string, r: Random): string {
  if (d.provider === 'google') {
    return `452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp ${r.hex(2).toLowerCase()}${r.int(10, 99)}si${r.int(1_000_000, 9_999_999)} - gsmtp`;
  }
  // Dovecot's default quota message (quota_exceeded_message), as its LMTP/LDA passes it on.
  return `452 4.2.2 <${recipient}>: Quota exceeded (mailbox for user is full)`;
}

export function greylistReply(d: Destination, recipient: string): string {
  // postgrey's answer (Postfix policy service), quoted in lib/smtp/kb.test.ts.
  return `450 4.2.0 <${recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${d.domain}.html`;
}

export function unknownUserReply(d: Destination, recipient: string, r: Random): string {
  switch (d.provider) {
    case 'google':
      return `550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at https://support.google.com/mail/?p=NoSuchUser ${r.hex(2).toLowerCase()}${r.int(10, 99)}si${r.int(1_000_000, 9_999_999)} - gsmtp`;
    case 'microsoft-365':
    case 'microsoft-consumer':
      return '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup';
    case 'yahoo':
      return `554 delivery error: dd This user doesn't have a ${d.domain} account (${recipient}) [0] - mta${r.int(1000, 9999)}.mail.bf1.yahoo.com`;
    case 'apple':
      return `550 5.1.1 <${recipient}>: user does not exist`;
    case 'other':
      return `550 5.1.1 <${recipient}>: Recipient address rejected: User unknown in virtual mailbox table`;
  }
}

/** Gmail's per-IP rate limit (421 4.7.28), naming the limited IP and its count as Gmail does. */
export function gmailRateLimitReply(sendingIp: string, r: Random): string {
  return `421 4.7.28 [${sendingIp}      15] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines. ${r.hex(2).toLowerCase()}${r.int(10, 99)}si${r.int(1_000_000, 9_999_999)} - gsmtp`;
}

/** Yahoo's TSS04 (Yahoo documents it as a temporary suspension, about 2 hours). */
export function yahooTss04Reply(sendingIp: string): string {
  return `421 4.7.0 [TSS04] Messages from ${sendingIp} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes`;
}
