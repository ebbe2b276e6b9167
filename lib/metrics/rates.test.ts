import { expect, test } from 'vitest';
import { deferralRate } from './rates';

test('per-recipient temporary failures leave the rate untouched', () => {
  expect(deferralRate(4, 1, 0)).toBe(0.25);
  // one more attempt that is a mailbox-full deferral: neither side of the rate moves
  expect(deferralRate(5, 2, 1)).toBe(0.25);
});

test('no attempts left means no rate, not 0 %', () => {
  expect(deferralRate(0, 0, 0)).toBeNull();
  expect(deferralRate(2, 2, 2)).toBeNull();
  expect(deferralRate(3, 0, 0)).toBe(0);
});
