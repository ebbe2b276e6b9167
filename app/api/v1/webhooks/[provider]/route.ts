// POST /api/v1/webhooks/{sendgrid|mailgun|ses|postmark} – an ESP's own webhook payload, signature-checked when a key is set
import { env } from '@/lib/env';
import { ApiError } from '@/lib/http/errors';
import { withApi } from '@/lib/http/guard';
import { readBody } from '@/lib/http/read-body';
import { ingestAnswer } from '@/lib/ingest/http';
import { handleWebhook, webhookProviders, type WebhookProvider } from '@/lib/ingest/webhooks';

export const dynamic = 'force-dynamic';

export const POST = withApi<{ provider: string }>(
  'ingest',
  async ({ req, org, principal, params }) => {
    if (!(webhookProviders as readonly string[]).includes(params.provider)) {
      throw new ApiError('not_found', `No webhook for "${params.provider}". Known: ${webhookProviders.join(', ')}.`);
    }
    const body = await readBody(req, env().MAX_BODY_BYTES);
    const result = await handleWebhook(params.provider as WebhookProvider, req, org.id, principal, body);
    return result instanceof Response ? result : Response.json(ingestAnswer(result));
  },
  { queryToken: true },
);
