'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ComponentType } from 'react';
import { cx } from '@/components/ui/cx';
import { IconActivity, IconInbox, IconMessageSearch, IconNetwork, IconOverview, IconSettings, IconShieldCheck, IconSiren, IconUpload, type IconProps } from '@/components/ui/icons';

interface NavItem {
  href: string;
  label: string;
  icon: ComponentType<IconProps>;
}

const primary: NavItem[] = [
  { href: '/', label: 'Overview', icon: IconOverview },
  { href: '/providers', label: 'Providers', icon: IconInbox },
  { href: '/ips', label: 'IPs', icon: IconNetwork },
  { href: '/events', label: 'Events', icon: IconActivity },
  { href: '/incidents', label: 'Incidents', icon: IconSiren },
  { href: '/replies', label: 'Reply lookup', icon: IconMessageSearch },
  { href: '/uploads', label: 'Uploads', icon: IconUpload },
  { href: '/authentication', label: 'Authentication', icon: IconShieldCheck },
];

const secondary: NavItem[] = [{ href: '/settings', label: 'Settings', icon: IconSettings }];

function isActive(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}

function NavList({ items, pathname }: { items: NavItem[]; pathname: string }) {
  return (
    <ul className="space-y-0.5">
      {items.map(({ href, label, icon: Icon }) => {
        const active = isActive(pathname, href);
        return (
          <li key={href}>
            <Link
              href={href}
              aria-current={active ? 'page' : undefined}
              className={cx(
                'group flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm font-medium transition-colors',
                active ? 'bg-accent-subtle text-accent-fg' : 'text-fg-muted hover:bg-surface-muted hover:text-fg',
              )}
            >
              <Icon className={cx('size-4 shrink-0', active ? 'text-accent-fg' : 'text-fg-subtle group-hover:text-fg-muted')} />
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

/** The main navigation; the current page is highlighted and marked aria-current="page". */
export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-4 px-3">
      <NavList items={primary} pathname={pathname} />
      <div className="border-t border-line pt-4">
        <NavList items={secondary} pathname={pathname} />
      </div>
    </nav>
  );
}
