'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label, Select } from '@/components/ui/input';
import { Spinner } from '@/components/ui/spinner';
import { hrefWith, rangePresetNames, rangePresets, type RangePreset } from './time-range';

/** "2023-10-11T02:17" for a datetime-local input, in UTC like every time on these pages (mail logs are UTC). */
function toInputValue(iso: string): string {
  return iso.slice(0, 16);
}

/** Parameters a range change resets: a cursor belongs to the old range. */
const RESET = { cursor: null } as const;

/**
 * The time range of the page as a select of presets plus a custom UTC span. It only changes the URL
 * (range, from, to); the server renders the new range, so a view can be shared by its address.
 */
export function RangePicker({ value, from, to }: { value: RangePreset | 'custom'; from: string; to: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [isPending, startTransition] = useTransition();
  const [isCustom, setIsCustom] = useState(value === 'custom');
  const [error, setError] = useState<string | null>(null);
  const current = Object.fromEntries(searchParams.entries());

  function go(changes: Record<string, string | null>) {
    startTransition(() => router.push(hrefWith(pathname, current, { ...RESET, ...changes }), { scroll: false }));
  }

  function onPreset(next: string) {
    if (next === 'custom') {
      setIsCustom(true);
      return;
    }
    setIsCustom(false);
    setError(null);
    go({ range: next, from: null, to: null });
  }

  function onCustom(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const f = new Date(`${String(data.get('from'))}:00Z`);
    const t = new Date(`${String(data.get('to'))}:00Z`);
    if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime())) return setError('Enter a start and an end.');
    if (t <= f) return setError('The end must be after the start.');
    setError(null);
    go({ range: 'custom', from: f.toISOString(), to: t.toISOString() });
  }

  return (
    <div className="flex flex-wrap items-end gap-2" data-testid="range-picker">
      <div>
        <Label htmlFor="range-preset" className="sr-only">
          Time range
        </Label>
        <Select id="range-preset" compact value={isCustom ? 'custom' : value} onChange={(e) => onPreset(e.target.value)} className="w-40">
          {rangePresetNames.map((p) => (
            <option key={p} value={p}>
              {rangePresets[p].label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </Select>
      </div>
      {isCustom ? (
        <form onSubmit={onCustom} className="flex flex-wrap items-end gap-2" aria-label="Custom time range">
          <div>
            <Label htmlFor="range-from" className="mb-0.5 text-xs text-fg-muted">
              From (UTC)
            </Label>
            <Input id="range-from" name="from" type="datetime-local" required defaultValue={toInputValue(from)} className="h-7 w-48 text-xs" />
          </div>
          <div>
            <Label htmlFor="range-to" className="mb-0.5 text-xs text-fg-muted">
              To (UTC)
            </Label>
            <Input id="range-to" name="to" type="datetime-local" required defaultValue={toInputValue(to)} className="h-7 w-48 text-xs" />
          </div>
          <Button type="submit" size="sm">
            Apply
          </Button>
        </form>
      ) : null}
      {isPending ? <Spinner className="mb-1.5 size-3.5 text-fg-subtle" label="Loading the new range" /> : null}
      <p aria-live="polite" className="w-full text-xs text-danger-fg empty:hidden">
        {error}
      </p>
    </div>
  );
}
