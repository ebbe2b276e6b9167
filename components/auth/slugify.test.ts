import fc from 'fast-check';
import { expect, test } from 'vitest';
import { slugSchema } from '@/lib/auth/schemas';
import { slugify } from './slugify';

test('an organisation name becomes its dashed lower-case short name', () => {
  expect(slugify('Acme Mail Ops')).toBe('acme-mail-ops');
});

test('accents are dropped and runs of punctuation become one dash', () => {
  expect(slugify('  Société Générale — Mail & Ops!! ')).toBe('societe-generale-mail-ops');
});

test('a long name is cut to 40 characters without a trailing dash', () => {
  const slug = slugify('Northwind Traders International Mail Operations Team');
  expect(slug).toBe('northwind-traders-international-mail-ope');
  expect(slugify(`${'a'.repeat(39)} b`)).toBe('a'.repeat(39));
});

test('a name with no letters or digits gives an empty suggestion', () => {
  expect(slugify('—— !!! ——')).toBe('');
});

test('every non-empty suggestion is accepted by the slug schema', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 120 }), (name) => {
      const slug = slugify(name);
      if (slug !== '') expect(slugSchema.safeParse(slug).success).toBe(true);
    }),
  );
});
