/** Maximum slug length, as lib/auth/schemas.ts slugSchema allows (1–40 characters). */
const MAX_SLUG_LENGTH = 40;

/**
 * Suggests an organisation short name from its display name: lower-case ASCII letters, digits and
 * single dashes, no dash at either end, at most 40 characters ("Acme Mail Ops" → "acme-mail-ops").
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
}
