'use server';

import { requirePageContext } from '@/lib/auth/session';
import { explainReply, kbVersion } from '@/lib/smtp';
import type { ReplyAnalysis } from '@/lib/smtp/types';
import { readReplyForm } from './reply-form';

export interface ExplainState {
  error?: string;
  analysis?: ReplyAnalysis;
  kbVersion?: string;
}

/** Explains one pasted SMTP reply for the lookup page (any signed-in member). */
export async function explainReplyAction(_prev: ExplainState, form: FormData): Promise<ExplainState> {
  await requirePageContext();
  const input = readReplyForm(form);
  if (!input.success) return { error: input.error };
  const { reply, mxHost, recipientDomain } = input.data;
  return { analysis: explainReply(reply, { mxHost, recipientDomain }), kbVersion };
}
