import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { ParseContext } from '../types';
import { matchClassicTimestamp, matchIsoTimestamp, splitSyslogLine } from './syslog';

const ctx: ParseContext = { now: new Date('2024-03-01T12:00:00Z'), utcOffsetMinutes: 0 };

test('RFC 3339 with zone, without zone (local time), and Exim form with a spaced zone', () => {
  expect(matchIsoTimestamp('2023-03-12T10:13:46.123456+01:00 helga x', 0)).toEqual({ occurredAt: new Date('2023-03-12T09:13:46.123Z'), rest: 'helga x' });
  expect(matchIsoTimestamp('2023-03-12T10:13:46 helga', 120)?.occurredAt).toEqual(new Date('2023-03-12T08:13:46Z'));
  expect(matchIsoTimestamp('2023-10-11 02:17:50 -0500 1RookS-000Pg8-VO', 0)).toEqual({ occurredAt: new Date('2023-10-11T07:17:50Z'), rest: '1RookS-000Pg8-VO' });
  expect(matchIsoTimestamp('2023-02-30T10:00:00Z x', 0)).toBeNull();
  expect(matchIsoTimestamp('2023-03-12T24:00:00Z x', 0)).toBeNull();
});

test('classic timestamps: 29 February goes back to the last leap year; invalid months are not timestamps', () => {
  expect(matchClassicTimestamp('Feb 29 10:00:00 mx x', ctx)?.occurredAt).toEqual(new Date('2024-02-29T10:00:00Z'));
  expect(matchClassicTimestamp('Feb 29 10:00:00 mx x', { ...ctx, now: new Date('2027-01-01T00:00:00Z') })?.occurredAt).toEqual(new Date('2024-02-29T10:00:00Z'));
  expect(matchClassicTimestamp('Foo 12 10:00:00 mx x', ctx)).toBeNull();
  expect(matchClassicTimestamp('Dec  7 13:28:01 mail postfix/smtpd[1]: x', ctx)?.rest).toBe('mail postfix/smtpd[1]: x');
});

test('splitSyslogLine: full prefix, tag without date, bare message', () => {
  expect(splitSyslogLine('Jun  3 10:40:57 mail postfix/sender-cleanup/cleanup[9709]: 4AA091855DA0: message-id=<a@b>', ctx)).toEqual({
    occurredAtMs: Date.parse('2023-06-03T10:40:57Z'),
    host: 'mail',
    program: 'postfix/sender-cleanup/cleanup',
    message: '4AA091855DA0: message-id=<a@b>',
  });
  expect(splitSyslogLine('postfix/smtp[9978]: E491D4296: to=<x@y>', ctx)).toEqual({ occurredAtMs: null, host: null, program: 'postfix/smtp', message: 'E491D4296: to=<x@y>' });
  expect(splitSyslogLine(' to=<x@y>, status=sent', ctx)).toEqual({ occurredAtMs: null, host: null, program: null, message: ' to=<x@y>, status=sent' });
});

test('property: classic dates are never more than a day after now', () => {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  fc.assert(
    fc.property(
      fc.constantFrom(...months),
      fc.integer({ min: 1, max: 31 }),
      fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -720, max: 840 }),
      (month, day, now, utcOffsetMinutes) => {
        const found = matchClassicTimestamp(`${month} ${String(day).padStart(2, ' ')} 23:59:59 host x`, { now, utcOffsetMinutes });
        return found === null || found.occurredAt.getTime() <= now.getTime() + 86_400_000;
      },
    ),
  );
});

test('property: ISO timestamps read in any order give the instant Date.parse gives, whatever was read before', () => {
  const stamp = fc.record({
    ms: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
    fraction: fc.stringMatching(/^\d{0,9}$/),
    zone: fc.constantFrom(undefined, 'Z', '+01:00', '-05:30', '+0000', '-0800', ' +0100'),
    offset: fc.constantFrom(0, 120, -300),
    separator: fc.constantFrom('T', ' '),
  });
  fc.assert(
    fc.property(fc.array(stamp, { minLength: 1, maxLength: 6 }), fc.boolean(), (stamps, sameSecond) => {
      for (const st of stamps) {
        const wall = new Date(sameSecond ? stamps[0]!.ms : st.ms).toISOString();
        const text = `${wall.slice(0, 10)}${st.separator}${wall.slice(11, 19)}${st.fraction === '' ? '' : `.${st.fraction}`}${st.zone ?? ''} mx1 x`;
        const zone = st.zone === undefined ? null : st.zone.trim() === 'Z' ? 'Z' : st.zone.trim().replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
        const ms = Number(`${st.fraction}000`.slice(0, 3));
        const expected = Date.parse(`${wall.slice(0, 19)}${zone ?? 'Z'}`) + ms - (zone === null ? st.offset * 60_000 : 0);
        const found = matchIsoTimestamp(text, st.offset);
        expect(found?.occurredAt.getTime()).toBe(expected);
        expect(found?.rest).toBe('mx1 x');
      }
    }),
    { numRuns: 300 },
  );
});
