import { z } from 'zod';

/** Limits of POST /api/v1/replies/explain, kept the same for the page. */
export const replyFormSchema = z.object({
  reply: z.string().trim().min(1, 'Paste an SMTP reply first.').max(16_384, 'The reply is longer than 16 KiB.'),
  mxHost: z.string().trim().max(255, 'The MX host is longer than 255 characters.').transform((s) => s || undefined),
  recipientDomain: z.string().trim().max(255, 'The domain is longer than 255 characters.').transform((s) => s || undefined),
});
export type ReplyForm = z.infer<typeof replyFormSchema>;

/** The three fields of the lookup form; absent fields read as empty. */
export function readReplyForm(form: FormData): { success: true; data: ReplyForm } | { success: false; error: string } {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const parsed = replyFormSchema.safeParse({ reply: text('reply'), mxHost: text('mxHost'), recipientDomain: text('recipientDomain') });
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, error: parsed.error.issues[0]?.message ?? 'The form is not valid.' };
}
