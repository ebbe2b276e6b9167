'use client';

import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input, Textarea } from '@/components/ui/input';
import { SubmitButton } from '@/components/ui/submit-button';
import { explainReplyAction, type ExplainState } from './explain-action';
import { replyExamples } from './examples';
import { ReplyExplanation } from './reply-explanation';

const empty = { reply: '', mxHost: '', recipientDomain: '' };

/** The reply form (with examples to try) and the explanation of the last reply submitted. */
export function ReplyLookup() {
  const [state, formAction] = useActionState<ExplainState, FormData>(explainReplyAction, {});
  const [values, setValues] = useState(empty);
  const set = (name: keyof typeof empty) => (event: { currentTarget: { value: string } }) => {
    const { value } = event.currentTarget;
    setValues((v) => ({ ...v, [name]: value }));
  };

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
      <Card title="SMTP reply" description="Paste the reply as your MTA logged it; continuation lines and the host's own prefix are fine.">
        <form action={formAction} className="space-y-4">
          <Field label="SMTP reply" hint="Up to 16 KiB. Nothing is stored.">
            {(p) => (
              <Textarea
                {...p}
                name="reply"
                rows={6}
                value={values.reply}
                onChange={set('reply')}
                spellCheck={false}
                placeholder="451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) …"
                className="font-mono text-[13px] leading-5"
              />
            )}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="MX host" hint="Optional: tells the provider apart.">
              {(p) => <Input {...p} name="mxHost" value={values.mxHost} onChange={set('mxHost')} spellCheck={false} placeholder="contoso-com.mail.protection.outlook.com" />}
            </Field>
            <Field label="Recipient domain" hint="Optional.">
              {(p) => <Input {...p} name="recipientDomain" value={values.recipientDomain} onChange={set('recipientDomain')} spellCheck={false} placeholder="contoso.com" />}
            </Field>
          </div>
          <FormError message={state.error} />
          <div className="flex flex-wrap items-center justify-between gap-3 border-t border-line pt-4">
            <div className="flex flex-wrap items-center gap-1.5">
              <span className="mr-1 text-xs text-fg-subtle">Examples</span>
              {replyExamples.map((example) => (
                <Button
                  key={example.label}
                  size="sm"
                  variant="ghost"
                  className="border border-line"
                  title={example.reply}
                  onClick={() => setValues({ reply: example.reply, mxHost: example.mxHost, recipientDomain: example.recipientDomain })}
                >
                  {example.label}
                </Button>
              ))}
            </div>
            <SubmitButton variant="primary" pendingLabel="Explaining…">
              Explain
            </SubmitButton>
          </div>
        </form>
      </Card>
      <div aria-live="polite">
        {state.analysis && state.kbVersion ? (
          <ReplyExplanation analysis={state.analysis} kbVersion={state.kbVersion} />
        ) : (
          <div className="rounded-lg border border-dashed border-line-strong bg-surface px-6 py-12 text-center text-sm text-fg-muted">
            The explanation appears here: codes, provider token, Microsoft front end and region, category, what to do and what not to do.
          </div>
        )}
      </div>
    </div>
  );
}
