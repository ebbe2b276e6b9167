import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, isObject, text } from './json-fields';

describe('json-fields', () => {
  const schema = z.object({ a: z.string({ error: 'expected text' }), b: z.object({ c: z.number({ error: 'expected a number' }) }) });

  it('names each issue by its field path under the prefix, three at most', () => {
    const error = schema.safeParse({ a: 1, b: { c: 'x' } }).error!;
    expect(describeIssues(error)).toBe('a: expected text; b.c: expected a number');
    expect(describeIssues(error, 'Message.')).toBe('Message.a: expected text; Message.b.c: expected a number');
    expect(describeIssues(error, 'event-data')).toBe('event-data.a: expected text; event-data.b.c: expected a number');
    const many = z.array(z.string({ error: 'expected text' })).safeParse([1, 2, 3, 4]).error!;
    expect(describeIssues(many).split('; ')).toEqual(['0: expected text', '1: expected text', '2: expected text']);
  });

  it('names the record itself when the issue has no path', () => {
    const error = z.string({ error: 'expected text' }).safeParse(1).error!;
    expect(describeIssues(error)).toBe('(record): expected text');
    expect(describeIssues(error, 'Message.')).toBe('Message: expected text');
  });

  it('tells objects from arrays and null, and trims text to null when empty', () => {
    expect([isObject({}), isObject([]), isObject(null), isObject('x')]).toEqual([true, false, false, false]);
    expect([text('  x '), text('   '), text(null), text(undefined)]).toEqual(['x', null, null, null]);
  });
});
