import type { ReactNode } from 'react';
import { Callout } from '@/components/ui/callout';
import { RangePicker } from './range-picker';
import type { TimeRange } from './time-range';

/** The time range of a page (picker plus what it resolved to) above its panels, with any extra controls. */
export function RangeBar({ range, children }: { range: TimeRange; children?: ReactNode }) {
  return (
    <div className="mb-5 space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <RangePicker value={range.key} from={range.from.toISOString()} to={range.to.toISOString()} />
        {children}
      </div>
      {range.warning ? <Callout tone="warning">{range.warning}</Callout> : null}
    </div>
  );
}
