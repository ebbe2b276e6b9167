import fc from 'fast-check';
import { expect, test } from 'vitest';
import { explainReply, replySignature } from './index';
import { categories } from './types';

const replyLike = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  // Fragments of real replies glued together, to reach the parsing branches.
  fc
    .array(
      fc.constantFrom('421', '4.7.500', '550-5.7.1', 'smtp;', '[', ']', '(S77714)', 'AS(', '[TSS04]', 'from [', '203.0.113.7', '::', '.outlook.com', ' ', '-', '2023-10-11T02:17:50.557Z', 'gsmtp', 'x.1.1'),
      { maxLength: 60 },
    )
    .map((parts) => parts.join('')),
);

test('explainReply never throws and always answers a valid category, for any string and context', () => {
  fc.assert(
    fc.property(replyLike, fc.option(fc.string(), { nil: undefined }), fc.option(fc.string(), { nil: undefined }), (reply, mxHost, enhancedCode) => {
      const a = explainReply(reply, { mxHost, enhancedCode, smtpCode: 999 });
      expect(categories).toContain(a.category);
      expect(a.temporary === null || typeof a.temporary === 'boolean').toBe(true);
      expect(a.isPerRecipientTemporary && a.temporary !== true).toBe(false);
    }),
    { numRuns: 500 },
  );
});

// Backtracking gone wrong costs seconds to hours on such inputs; linear matching takes milliseconds: 2 s leaves room
// for a loaded machine.
test('1 MB inputs (plain, unicode, adversarial) finish in linear time, far under 2 s each', () => {
  const inputs = [
    'x'.repeat(1_000_000),
    '🙂é'.repeat(330_000),
    '1.1.'.repeat(250_000),
    '[a.'.repeat(333_000),
    '550-5.7.1 '.repeat(100_000),
    'a@'.repeat(500_000),
    `451 4.7.500 Server busy ${'(S7'.repeat(300_000)}`,
  ];
  for (const input of inputs) {
    const started = performance.now();
    explainReply(input);
    replySignature(input);
    expect(performance.now() - started).toBeLessThan(2000);
  }
});
