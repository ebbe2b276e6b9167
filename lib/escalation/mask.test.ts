import fc from 'fast-check';
import { expect, test } from 'vitest';
import { maskAddressesIn, maskRecipient } from './mask';

test('recipients keep the first letter of the local part and the domain', () => {
  expect(maskRecipient('john.doe@contoso.com')).toBe('j***@contoso.com');
  expect(maskRecipient('"odd@local"@fabrikam.com')).toBe('"***@fabrikam.com');
  expect(maskRecipient('@contoso.com')).toBe('***@contoso.com');
  expect(maskRecipient('no-at-sign')).toBe('***');
  expect(maskRecipient('')).toBe('');
});

test('addresses inside a reply are masked, the rest of the reply is kept', () => {
  expect(maskAddressesIn('550 5.1.1 <john@contoso.com>: Recipient address rejected; also mary.ann@mail.fabrikam.com')).toBe(
    '550 5.1.1 <j***@contoso.com>: Recipient address rejected; also m***@mail.fabrikam.com',
  );
  expect(maskAddressesIn('451 4.7.500 Server busy. (S77714)')).toBe('451 4.7.500 Server busy. (S77714)');
});

test('property: a masked address never contains its local part beyond the first character', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z0-9]{2,20}$/), fc.domain(), (local, domain) => {
      const masked = maskAddressesIn(`to <${local}@${domain}> now`);
      expect(masked).toBe(`to <${local[0]}***@${domain}> now`);
    }),
  );
});
