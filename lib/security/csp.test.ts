import { expect, test } from 'vitest';
import { contentSecurityPolicy, newNonce } from './csp';

test('a page policy allows scripts by nonce only; the API policy allows no inline script', () => {
  const page = contentSecurityPolicy({ nonce: 'abc123==', isDev: false });
  expect(page).toContain("script-src 'self' 'nonce-abc123==' 'strict-dynamic'; ");
  expect(page).toContain("frame-ancestors 'none'");
  expect(page.split('; ').find((d) => d.startsWith('script-src'))).not.toContain('unsafe');
  expect(contentSecurityPolicy({ nonce: null, isDev: false }).split('; ').find((d) => d.startsWith('script-src'))).toBe("script-src 'self'");
  expect(contentSecurityPolicy({ nonce: null, isDev: true })).toContain("script-src 'self' 'unsafe-eval'");
});

test('nonces are 128-bit base64 and differ every time', () => {
  const nonces = new Set(Array.from({ length: 100 }, newNonce));
  expect(nonces.size).toBe(100);
  for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9+/]{22}==$/);
});
