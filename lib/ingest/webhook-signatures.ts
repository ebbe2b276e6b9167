import { X509Certificate, createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * Signature checks for the ESP webhooks. Pure crypto: the one network need (the SNS signing
 * certificate) is a parameter, so the route decides how it is fetched and cached.
 */

export interface SendgridSignatureInput {
  /** The verification key SendGrid shows for the Signed Event Webhook: base64 DER (SPKI) or PEM, ECDSA P-256. */
  publicKey: string;
  /** Header X-Twilio-Email-Event-Webhook-Signature: base64 of a DER-encoded ECDSA signature. */
  signature: string;
  /** Header X-Twilio-Email-Event-Webhook-Timestamp. */
  timestamp: string;
  /** The request body exactly as received: re-serialised JSON would not verify. */
  rawBody: Buffer;
}

function readPublicKey(key: string): KeyObject | null {
  try {
    const trimmed = key.trim();
    if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
    return createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/**
 * SendGrid's Signed Event Webhook: ECDSA (P-256) with SHA-256 over the timestamp header followed
 * by the raw body (SendGrid, "Getting Started with the Event Webhook Security Features").
 */
export function verifySendgridSignature(input: SendgridSignatureInput): boolean {
  const key = readPublicKey(input.publicKey);
  if (key === null || key.asymmetricKeyType !== 'ec') return false;
  const signature = Buffer.from(input.signature, 'base64');
  if (signature.length === 0) return false;
  try {
    return verify('sha256', Buffer.concat([Buffer.from(input.timestamp, 'utf8'), input.rawBody]), { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

export interface MailgunSignatureInput {
  /** The domain's HTTP webhook signing key. */
  signingKey: string;
  /** `signature.timestamp` of the webhook body: unix seconds. */
  timestamp: string | number;
  /** `signature.token`: 50 random characters. */
  token: string;
  /** `signature.signature`: hex HMAC-SHA256. */
  signature: string;
  /** Defaults to the current time. */
  now?: Date;
  /** How far the timestamp may be from `now`, either way; 300 s unless given. */
  maxAgeSeconds?: number;
}

/** Five minutes: long enough for Mailgun's delivery and clock skew, short enough to bound replays. */
export const MAILGUN_MAX_AGE_SECONDS = 300;

/**
 * Mailgun webhook signature: hex HMAC-SHA256 of timestamp + token under the signing key
 * (Mailgun, "Securing Webhooks"), compared in constant time, with the timestamp within
 * `maxAgeSeconds` of now. Mailgun also advises refusing a token seen before; that needs a
 * store, so the route keeps the cache of recent tokens.
 */
export function verifyMailgunSignature(input: MailgunSignatureInput): boolean {
  const timestamp = String(input.timestamp).trim();
  if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/i.test(input.signature)) return false;
  const nowSeconds = (input.now ?? new Date()).getTime() / 1000;
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.maxAgeSeconds ?? MAILGUN_MAX_AGE_SECONDS)) return false;
  const expected = createHmac('sha256', input.signingKey).update(timestamp + input.token).digest();
  return timingSafeEqual(expected, Buffer.from(input.signature, 'hex'));
}

/** An Amazon SNS HTTP(S) message (SNS Developer Guide, "HTTP/S notification JSON format"). */
const snsEnvelopeSchema = z.object({
  Type: z.string(),
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.string(),
  Signature: z.string(),
  SigningCertURL: z.string(),
  Subject: z.string().nullish(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});
export type SnsEnvelope = z.infer<typeof snsEnvelopeSchema>;

/** The SNS envelope in a parsed request body, or null when the body is not one. */
export function readSnsEnvelope(value: unknown): SnsEnvelope | null {
  const parsed = snsEnvelopeSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The keys signed for each message type, in the order SNS concatenates them. */
const signedKeys: Record<string, readonly (keyof SnsEnvelope)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/**
 * The string SNS signs: `Key\nValue\n` for each signed key in order. Subject is left out of a
 * Notification without one (SNS Developer Guide, "Verifying the signatures of Amazon SNS messages").
 */
export function snsCanonicalString(message: SnsEnvelope): string | null {
  const keys = signedKeys[message.Type];
  if (keys === undefined) return null;
  let canonical = '';
  for (const key of keys) {
    const value = message[key];
    if (key === 'Subject' && (value === null || value === undefined)) continue;
    if (typeof value !== 'string') return null;
    canonical += `${key}\n${value}\n`;
  }
  return canonical;
}

/** SigningCertURL must be HTTPS on an SNS endpoint (`sns.<region>.amazonaws.com`, or `.amazonaws.com.cn` in China). */
function certificateUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'SigningCertURL is not a URL';
  }
  if (url.protocol !== 'https:') return 'SigningCertURL is not https';
  if (url.username !== '' || url.password !== '' || url.port !== '') return 'SigningCertURL has credentials or a port';
  if (!/^sns\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/.test(url.hostname)) return `SigningCertURL host ${url.hostname} is not an Amazon SNS endpoint`;
  if (!url.pathname.endsWith('.pem')) return 'SigningCertURL is not a .pem certificate';
  return null;
}

const hashBySignatureVersion: Record<string, string> = { '1': 'sha1', '2': 'sha256' };

/**
 * Verifies an SNS message: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over the
 * canonical string, with the certificate at SigningCertURL. The URL is checked before anything
 * is fetched, so a forged message cannot make the server fetch from an arbitrary host.
 */
export async function verifySnsSignature(
  message: SnsEnvelope,
  getCertificatePem: (url: string) => Promise<string>,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const hash = hashBySignatureVersion[message.SignatureVersion];
  if (hash === undefined) return { ok: false, reason: `unsupported SignatureVersion ${message.SignatureVersion.slice(0, 10)}` };
  const canonical = snsCanonicalString(message);
  if (canonical === null) return { ok: false, reason: `unsupported or incomplete SNS message of Type ${message.Type.slice(0, 40)}` };
  const urlProblem = certificateUrlProblem(message.SigningCertURL);
  if (urlProblem !== null) return { ok: false, reason: urlProblem };

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(await getCertificatePem(message.SigningCertURL));
  } catch (error) {
    return { ok: false, reason: `signing certificate unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
  const signature = Buffer.from(message.Signature, 'base64');
  try {
    const isValid = verify(hash, Buffer.from(canonical, 'utf8'), certificate.publicKey, signature);
    return isValid ? { ok: true } : { ok: false, reason: 'signature does not match the message' };
  } catch {
    return { ok: false, reason: 'signature could not be checked with the certificate' };
  }
}
