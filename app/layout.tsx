import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Deferral Desk', template: '%s · Deferral Desk' },
  description: 'Email deliverability incident dashboard: provider deferrals, queues and escalation evidence.',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f6f7f9' },
    { media: '(prefers-color-scheme: dark)', color: '#0c0d10' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request, every page included (the 404 too): Next.js can only put the request's CSP nonce on the scripts of a page it renders now.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh">{children}</body>
    </html>
  );
}
