'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

type LiveState = 'connecting' | 'live' | 'paused' | 'reconnecting';

const label: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  paused: 'Paused',
  reconnecting: 'Reconnecting…',
};

const dot: Record<LiveState, string> = {
  connecting: 'bg-zinc-400',
  live: 'bg-emerald-500',
  paused: 'bg-zinc-400',
  reconnecting: 'bg-amber-500',
};

/** Re-renders the page's server components shortly after new data arrives (SSE), without a reload. */
export function LiveRefresh({ debounceMs = 750 }: { debounceMs?: number }) {
  const router = useRouter();
  const [state, setState] = useState<LiveState>('connecting');
  const [paused, setPaused] = useState(false);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (paused) return;
    const source = new EventSource('/api/v1/stream');
    const refresh = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        router.refresh();
        setUpdatedAt(new Date());
      }, debounceMs);
    };
    source.addEventListener('hello', () => setState('live'));
    source.addEventListener('state', (e) => setState(JSON.parse((e as MessageEvent<string>).data).state === 'connected' ? 'live' : 'reconnecting'));
    source.addEventListener('batch', refresh);
    source.addEventListener('incident', refresh);
    source.onerror = () => setState('reconnecting');
    source.onopen = () => setState('live');
    return () => {
      source.close();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [paused, router, debounceMs]);

  const shown: LiveState = paused ? 'paused' : state;
  return (
    <div className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-300" data-testid="live-status" data-state={shown}>
      <span className={`inline-block h-2 w-2 rounded-full ${dot[shown]}`} aria-hidden="true" />
      <span aria-live="polite">{label[shown]}</span>
      {updatedAt && <span className="hidden text-zinc-500 sm:inline dark:text-zinc-400">· updated {updatedAt.toLocaleTimeString()}</span>}
      <button
        type="button"
        onClick={() => {
          setPaused((p) => !p);
          setState('connecting');
        }}
        className="rounded-md border border-zinc-300 px-2 py-0.5 text-xs font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-600 dark:hover:bg-zinc-800"
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
    </div>
  );
}
