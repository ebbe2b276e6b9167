import { env } from '@/lib/env';
import { ApiError } from '@/lib/http/errors';
import type { Principal } from '@/lib/http/guard';
import { scheduleDetection } from '@/lib/incidents/scheduler';
import { snsEnvelopeType } from './formats/ses';
import { ingestStream, type IngestResult } from './pipeline';
import { verifyMailgunSignature, verifySendgridSignature, verifySnsSignature, type SnsEnvelope } from './webhook-signatures';

export const webhookProviders = ['sendgrid', 'mailgun', 'ses', 'postmark'] as const;
export type WebhookProvider = (typeof webhookProviders)[number];

/** SNS signing certificates, fetched once per URL (the URL host is checked before any fetch). */
const certificateCache = new Map<string, Promise<string>>();

function fetchCertificate(url: string): Promise<string> {
  let pending = certificateCache.get(url);
  if (!pending) {
    pending = fetch(url, { signal: AbortSignal.timeout(5_000) }).then(async (res) => {
      if (!res.ok) throw new Error(`certificate download answered ${res.status}`);
      return res.text();
    });
    pending.catch(() => certificateCache.delete(url));
    certificateCache.set(url, pending);
  }
  return pending;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiError('bad_request', `The webhook body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Checks the provider's signature when a key is configured (then unsigned calls are refused).
 * Returns an early answer for SNS subscription handshakes.
 */
async function verify(provider: WebhookProvider, req: Request, body: Buffer): Promise<Response | null> {
  const config = env();
  if (provider === 'sendgrid' && config.SENDGRID_WEBHOOK_PUBLIC_KEY) {
    const signature = req.headers.get('x-twilio-email-event-webhook-signature');
    const timestamp = req.headers.get('x-twilio-email-event-webhook-timestamp');
    if (!signature || !timestamp) throw new ApiError('unauthorized', 'SendGrid signature headers are missing; this endpoint requires signed event webhooks.');
    if (!verifySendgridSignature({ publicKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY, signature, timestamp, rawBody: body })) {
      throw new ApiError('unauthorized', 'The SendGrid signature does not match the body.');
    }
  }
  if (provider === 'mailgun' && config.MAILGUN_WEBHOOK_SIGNING_KEY) {
    const json = parseJson(body) as { signature?: { timestamp?: unknown; token?: unknown; signature?: unknown } };
    const s = json?.signature;
    if (!s || typeof s.timestamp !== 'string' || typeof s.token !== 'string' || typeof s.signature !== 'string') {
      throw new ApiError('unauthorized', 'The Mailgun payload carries no signature; this endpoint requires signed webhooks.');
    }
    if (!verifyMailgunSignature({ signingKey: config.MAILGUN_WEBHOOK_SIGNING_KEY, timestamp: s.timestamp, token: s.token, signature: s.signature })) {
      throw new ApiError('unauthorized', 'The Mailgun signature is wrong or too old.');
    }
  }
  if (provider === 'ses') {
    const json = parseJson(body);
    const type = snsEnvelopeType(json);
    if (config.SES_VERIFY_SNS_SIGNATURE === 'true') {
      if (!type) throw new ApiError('unauthorized', 'Expected an SNS message; this endpoint requires SNS-signed notifications.');
      const result = await verifySnsSignature(json as SnsEnvelope, fetchCertificate);
      if (!result.ok) throw new ApiError('unauthorized', `The SNS signature is not valid: ${result.reason}`);
    }
    if (type === 'SubscriptionConfirmation' || type === 'UnsubscribeConfirmation') {
      const url = (json as { SubscribeURL?: string }).SubscribeURL ?? null;
      return Response.json({ subscription: type, action: 'Open the SubscribeURL once to confirm this endpoint in SNS.', subscribeUrl: url });
    }
  }
  return null;
}

/** Handles one webhook call: verification, then the same ingest path as the events API. */
export async function handleWebhook(provider: WebhookProvider, req: Request, organizationId: string, principal: Principal, body: Buffer): Promise<Response | IngestResult> {
  const early = await verify(provider, req, body);
  if (early) return early;
  const result = await ingestStream((async function* () { yield body; })(), {
    organizationId,
    channel: 'webhook',
    format: provider,
    maxBytes: env().MAX_BODY_BYTES,
    createdByTokenId: principal.kind === 'token' ? principal.tokenId : null,
    createdByUserId: principal.kind === 'user' ? principal.userId : null,
  });
  if (result.accepted > 0) scheduleDetection(organizationId);
  return result;
}
