import { expect, test } from 'vitest';
import { alertEndpointInputSchema } from './schemas';

const ok = { name: 'ops', url: 'https://hooks.slack.com/services/T000/B000/XXXX', kind: 'slack' };

test('endpoints need an http(s) URL, a known format and, when given, a secret of 16 characters or more', () => {
  expect(alertEndpointInputSchema.parse(ok)).toEqual(ok);
  expect(alertEndpointInputSchema.safeParse({ ...ok, url: 'http://127.0.0.1:8080/hook', kind: 'generic', secret: 'sixteen-chars-ok' }).success).toBe(true);
  for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'hooks.slack.com/services', '']) {
    expect(alertEndpointInputSchema.safeParse({ ...ok, url }).error?.issues[0]?.path).toEqual(['url']);
  }
  expect(alertEndpointInputSchema.safeParse({ ...ok, kind: 'teams' }).error?.issues[0]?.path).toEqual(['kind']);
  expect(alertEndpointInputSchema.safeParse({ ...ok, secret: 'short' }).error?.issues[0]?.path).toEqual(['secret']);
  expect(alertEndpointInputSchema.safeParse({ ...ok, name: '  ' }).error?.issues[0]?.path).toEqual(['name']);
});
