'use client';

import { useActionState } from 'react';
import type { FormState } from '@/app/actions/form-state';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/callout';
import { Field } from '@/components/ui/field';
import { IconCheckCircle } from '@/components/ui/icons';
import { Input } from '@/components/ui/input';
import type { DetectionSettings } from '@/lib/incidents/types';
import { saveDetectionSettingsAction } from './actions';

interface FieldSpec {
  key: keyof DetectionSettings;
  label: string;
  unit: string;
  hint: string;
  step?: string;
}

/** The thresholds in the order a deliverability engineer reads them: when an incident opens, how it escalates, when it ends. */
const thresholdGroups: Array<{ title: string; fields: FieldSpec[] }> = [
  {
    title: 'Opening an incident',
    fields: [
      { key: 'windowMinutes', label: 'Rate window', unit: 'min', hint: 'Deferral rates are computed over this sliding window.' },
      { key: 'minAttempts', label: 'Minimum attempts', unit: 'per window', hint: 'Fewer attempts to a provider in the window never open an incident.' },
      { key: 'minDeferralRate', label: 'Minimum deferral rate', unit: '%', hint: 'Needed whatever the baseline; per-recipient failures are left out.', step: '0.5' },
      { key: 'baselineFactor', label: 'Above baseline by', unit: '×', hint: 'How many times its own baseline (same hour, trailing 7 days) a provider must defer.', step: '0.1' },
    ],
  },
  {
    title: 'Escalation',
    fields: [
      { key: 'tuneAfterMinutes', label: 'Tune retries after', unit: 'min', hint: 'From monitor to tune: slow retries, lower concurrency.' },
      { key: 'escalateAfterMinutes', label: 'Escalate after', unit: 'min', hint: 'From tune to escalate: open a support case. More than "tune".' },
    ],
  },
  {
    title: 'Recovery',
    fields: [
      { key: 'reopenWindowMinutes', label: 'Reopen window', unit: 'min', hint: 'A recovered incident flaring up again within this time reopens instead of a new one.' },
      { key: 'drainQuietMinutes', label: 'Quiet period without queue data', unit: 'min', hint: 'Without queue depth: minutes with deliveries and no such deferral before resolved.' },
    ],
  },
];

const shown = (key: keyof DetectionSettings, value: number) => (key === 'minDeferralRate' ? String(Math.round(value * 10_000) / 100) : String(value));

/** The detection thresholds as a form for administrators, or read-only values for everyone else. */
export function ThresholdsForm({ settings, defaults, canEdit }: { settings: DetectionSettings; defaults: DetectionSettings; canEdit: boolean }) {
  const [state, formAction, isPending] = useActionState<FormState, FormData>(saveDetectionSettingsAction, {});
  return (
    <form action={formAction} noValidate aria-label="Detection thresholds" className="space-y-6">
      {thresholdGroups.map((group) => (
        <fieldset key={group.title} className="space-y-4">
          <legend className="text-sm font-semibold text-fg">{group.title}</legend>
          <div className="grid gap-4 sm:grid-cols-2">
            {group.fields.map((f) => (
              <Field
                key={f.key}
                label={f.label}
                error={state.fieldErrors?.[f.key]}
                hint={
                  <>
                    {f.hint} Default {shown(f.key, defaults[f.key])}
                    {f.unit === '%' || f.unit === '×' ? f.unit : ` ${f.unit}`}.
                  </>
                }
              >
                {(p) => (
                  <div className="flex items-center gap-2">
                    <Input {...p} name={f.key} type="number" inputMode="decimal" step={f.step ?? '1'} defaultValue={state.values?.[f.key] ?? shown(f.key, settings[f.key])} disabled={!canEdit} className="max-w-40 tabular-nums" />
                    <span className="text-sm text-fg-muted">{f.unit}</span>
                  </div>
                )}
              </Field>
            ))}
          </div>
        </fieldset>
      ))}
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-3 border-t border-line pt-5">
          <Button type="submit" variant="primary" isPending={isPending} pendingLabel="Saving…">
            Save thresholds
          </Button>
          <Button type="submit" name="intent" value="defaults" variant="ghost" disabled={isPending}>
            Restore defaults
          </Button>
          <FormError message={state.error} />
          {state.message ? (
            <p role="status" className="flex items-center gap-2 text-sm font-medium text-success-fg">
              <IconCheckCircle className="size-4 shrink-0" />
              {state.message}
            </p>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
