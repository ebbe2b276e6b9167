'use client';

import { usePathname } from 'next/navigation';
import { useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { cx } from '@/components/ui/cx';
import { IconClose, IconMenu } from '@/components/ui/icons';

const SIDEBAR_ID = 'app-sidebar';

/**
 * The responsive frame: a fixed sidebar from 768 px up; below, a top bar whose menu button opens the
 * same sidebar over the page. The menu closes on navigation (it is open only for the path it was
 * opened on), on Escape, and when a link inside it is followed.
 */
export function ShellFrame({ brand, sidebar, children }: { brand: ReactNode; sidebar: ReactNode; children: ReactNode }) {
  const pathname = usePathname();
  const [openOnPath, setOpenOnPath] = useState<string | null>(null);
  const isOpen = openOnPath === pathname;
  const toggle = useRef<HTMLButtonElement>(null);

  function close() {
    setOpenOnPath(null);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape' && isOpen) {
      close();
      toggle.current?.focus();
    }
  }

  function onClick(event: MouseEvent) {
    if (event.target instanceof Element && event.target.closest('a')) close();
  }

  return (
    <>
      <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-line bg-surface/95 px-3 backdrop-blur md:hidden">
        <button
          ref={toggle}
          type="button"
          aria-expanded={isOpen}
          aria-controls={SIDEBAR_ID}
          onClick={() => setOpenOnPath(isOpen ? null : pathname)}
          className="inline-flex size-9 items-center justify-center rounded-md text-fg-muted hover:bg-surface-muted hover:text-fg"
        >
          {isOpen ? <IconClose className="size-5" /> : <IconMenu className="size-5" />}
          <span className="sr-only">Menu</span>
        </button>
        {brand}
      </header>
      <aside
        id={SIDEBAR_ID}
        aria-label="Sidebar"
        onKeyDown={onKeyDown}
        onClick={onClick}
        className={cx(
          isOpen ? 'fixed inset-x-0 top-14 bottom-0 z-20 flex overflow-y-auto shadow-lg' : 'hidden',
          'flex-col border-r border-line bg-surface md:fixed md:inset-y-0 md:left-0 md:z-20 md:flex md:w-60 md:shadow-none',
        )}
      >
        <div className="hidden h-14 shrink-0 items-center border-b border-line px-4 md:flex">{brand}</div>
        {sidebar}
      </aside>
      <div className="md:pl-60">{children}</div>
    </>
  );
}
