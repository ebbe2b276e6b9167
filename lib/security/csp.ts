/**
 * The app's content security policy. Everything is served from this origin; nothing is loaded from elsewhere.
 * - script-src: pages carry a fresh nonce per request (proxy.ts); Next.js puts it on its own scripts, including the
 *   inline ones streaming the RSC payload, and 'strict-dynamic' lets those load the chunks they import. No
 *   'unsafe-inline': an injected <script> without the nonce does not run. Responses that are not pages (the API)
 *   get no nonce and allow no script at all but from this origin. React's dev mode also needs eval.
 * - style-src: Tailwind ships a stylesheet, but React `style` props (Recharts sizes and colours) are inline styles.
 * - img-src data: and blob: for chart exports and inline icons; connect-src 'self' covers fetch and the SSE stream.
 * - frame-ancestors 'none' forbids framing (clickjacking); form-action 'self' keeps forms and server actions here.
 */
export function contentSecurityPolicy({ nonce, isDev }: { nonce: string | null; isDev: boolean }): string {
  const scripts = nonce ? `'self' 'nonce-${nonce}' 'strict-dynamic'` : "'self'";
  return [
    "default-src 'self'",
    `script-src ${scripts}${isDev ? " 'unsafe-eval'" : ''}`,
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
}

/** 128 random bits, base64: unguessable and new for every page request. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
