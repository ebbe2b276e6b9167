import { Button, ButtonLink } from '@/components/ui/button';
import { Label, Select } from '@/components/ui/input';
import { incidentScopes, incidentStatuses } from '@/lib/incidents/types';
import { providerLabel, scopeLabel, type IncidentFilters } from './incident-view';

/**
 * The list filters as a plain GET form: every filter state is a URL (shareable, back button works),
 * and it works before any JavaScript has loaded.
 */
export function IncidentFilterForm({ filters, providers }: { filters: IncidentFilters; providers: string[] }) {
  const providerOptions = filters.provider && !providers.includes(filters.provider) ? [...providers, filters.provider] : providers;
  const isFiltered = Boolean(filters.status ?? filters.provider ?? filters.scope);
  return (
    <form method="get" action="/incidents" role="search" aria-label="Filter incidents" className="grid grid-cols-2 items-end gap-3 sm:flex sm:flex-wrap">
      <div className="sm:w-40">
        <Label htmlFor="filter-status" className="mb-1 text-xs text-fg-muted">
          Status
        </Label>
        <Select id="filter-status" name="status" defaultValue={filters.status ?? ''}>
          <option value="">Any status</option>
          {incidentStatuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </div>
      <div className="sm:w-44">
        <Label htmlFor="filter-scope" className="mb-1 text-xs text-fg-muted">
          Scope
        </Label>
        <Select id="filter-scope" name="scope" defaultValue={filters.scope ?? ''}>
          <option value="">Any scope</option>
          {incidentScopes.map((s) => (
            <option key={s} value={s}>
              {scopeLabel[s]}
            </option>
          ))}
        </Select>
      </div>
      <div className="col-span-2 sm:w-52">
        <Label htmlFor="filter-provider" className="mb-1 text-xs text-fg-muted">
          Provider
        </Label>
        <Select id="filter-provider" name="provider" defaultValue={filters.provider ?? ''}>
          <option value="">Any provider</option>
          {providerOptions.map((p) => (
            <option key={p} value={p}>
              {providerLabel(p)}
            </option>
          ))}
        </Select>
      </div>
      <div className="col-span-2 flex gap-2">
        <Button type="submit" className="h-9">
          Apply
        </Button>
        {isFiltered ? (
          <ButtonLink href="/incidents" variant="ghost" className="h-9">
            Clear filters
          </ButtonLink>
        ) : null}
      </div>
    </form>
  );
}
