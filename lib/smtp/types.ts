/** Types shared by the SMTP reply understanding (pure: no I/O anywhere under lib/smtp). */

/** Mailbox-provider groups, recognised from the MX host, else the recipient domain. */
export const providerGroups = [
  'microsoft-365',
  'microsoft-consumer',
  'google',
  'yahoo',
  'apple',
  'comcast',
  'att',
  'gmx-webde',
  'mailru',
  'yandex',
  'zoho',
  'fastmail',
  'proofpoint',
  'mimecast',
  'barracuda',
  'other',
] as const;
export type ProviderGroup = (typeof providerGroups)[number];

export const categories = ['throttling', 'reputation', 'blocklist', 'authentication', 'policy', 'recipient', 'infrastructure', 'unknown'] as const;
export type Category = (typeof categories)[number];

/** What a rule says is affected: our IP, our domain, one recipient, or the whole recipient tenant. */
export const scopes = ['ip', 'domain', 'recipient', 'tenant'] as const;
export type Scope = (typeof scopes)[number];

/** Which identity Gmail's 4.7.28 / 5.7.28 rate limit names. */
export type LimitedIdentity = 'ip' | 'netblock' | 'dkim-domain' | 'spf-domain';

/** Everything the product understood of one SMTP reply. */
export interface ReplyAnalysis {
  smtpCode: number | null;
  enhancedCode: string | null;
  /** true for 4xx / 4.x.x, false for 5xx / 5.x.x, null when neither is known. */
  temporary: boolean | null;
  provider: ProviderGroup;
  /** Provider diagnostic token: Microsoft S77714 / AS(843) / S3150, Yahoo TSS04, Comcast RL000001, … */
  providerToken: string | null;
  /** The sending IP named in the reply text ("from [1.2.3.4]", "The mail server [1.2.3.4]", "Messages from 1.2.3.4"). */
  sendingIp: string | null;
  /** Microsoft front-end host, e.g. MW2NAM12FT080.eop-nam12.prod.protection.outlook.com. */
  providerHost: string | null;
  /** Region of the Microsoft front end: NAM, EUR, APC, AUS, GBR, … */
  providerRegion: string | null;
  correlationId: string | null;
  /** The provider's own timestamp in the reply, ISO 8601. */
  providerTimestamp: string | null;
  /** Gmail 4.7.28: which of our identities is rate limited. */
  limitedIdentity: LimitedIdentity | null;
  /** Reply text with variable parts masked, used to cluster replies. */
  signature: string;
  category: Category;
  scope: Scope | null;
  /** Knowledge-base rule id, e.g. microsoft.server-busy; null when no rule matched. */
  kbRule: string | null;
  meaning: string | null;
  action: string | null;
  /** What not to do (e.g. do not rotate IPs), from the rule. */
  avoid: string | null;
  sources: string[];
  /** Per-recipient temporary failure (mailbox full, 4.2.1 too fast, greylisting): left out of deferral rates. */
  isPerRecipientTemporary: boolean;
}

/** What a reply states, before the knowledge base judges it: the part of ReplyAnalysis that needs no rule, but the signature. */
export type ReplyReading = Pick<
  ReplyAnalysis,
  'smtpCode' | 'enhancedCode' | 'provider' | 'providerToken' | 'sendingIp' | 'providerHost' | 'providerRegion' | 'correlationId' | 'providerTimestamp'
>;

/** What the caller knows besides the reply text. */
export interface ReplyContext {
  mxHost?: string | null;
  recipientDomain?: string | null;
  /** Enhanced status stated by the log separately (Postfix dsn=) when the text has none. */
  enhancedCode?: string | null;
  smtpCode?: number | null;
}
