// POST /api/v1/replies/explain – what the product understands of one SMTP reply text
import { z } from 'zod';
import { ApiError } from '@/lib/http/errors';
import { withApi } from '@/lib/http/guard';
import { explainReply, kbVersion } from '@/lib/smtp';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({
  reply: z.string().min(1, 'is required').max(16_384, 'is longer than 16 KiB'),
  mxHost: z.string().max(255).optional(),
  recipientDomain: z.string().max(255).optional(),
});

export const POST = withApi('identify', async ({ req }) => {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new ApiError('bad_request', 'The body must be JSON: {"reply": "<SMTP reply text>"}.');
  }
  const { reply, mxHost, recipientDomain } = bodySchema.parse(body);
  const a = explainReply(reply, { mxHost, recipientDomain });
  return Response.json({
    smtpCode: a.smtpCode,
    enhancedCode: a.enhancedCode,
    temporary: a.temporary,
    provider: a.provider,
    providerToken: a.providerToken,
    sendingIp: a.sendingIp,
    providerHost: a.providerHost,
    providerRegion: a.providerRegion,
    providerTimestamp: a.providerTimestamp,
    correlationId: a.correlationId,
    limitedIdentity: a.limitedIdentity,
    category: a.category,
    scope: a.scope,
    kbRule: a.kbRule,
    meaning: a.meaning,
    action: a.action,
    avoid: a.avoid,
    sources: a.sources,
    signature: a.signature,
    isPerRecipientTemporary: a.isPerRecipientTemporary,
    kbVersion,
  });
});
