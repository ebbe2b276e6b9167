import { expect, test } from 'vitest';
import { showRecipientsFor } from './request';

const url = (q: string) => new URL(`http://localhost/api/v1/incidents/x/package${q}`);
const admin = { kind: 'user', userId: 'u', email: 'a@acme.test', role: 'admin' } as const;
const viewer = { kind: 'user', userId: 'u', email: 'v@acme.test', role: 'viewer' } as const;
const token = { kind: 'token', tokenId: 't', scope: 'read' } as const;

test('recipients are masked unless an administrator asks with ?showRecipients=1', () => {
  expect(showRecipientsFor(url(''), token)).toBe(false);
  expect(showRecipientsFor(url('?showRecipients=0'), viewer)).toBe(false);
  expect(showRecipientsFor(url('?showRecipients=1'), admin)).toBe(true);
  expect(() => showRecipientsFor(url('?showRecipients=1'), viewer)).toThrow(expect.objectContaining({ code: 'forbidden' }));
  expect(() => showRecipientsFor(url('?showRecipients=1'), token)).toThrow(expect.objectContaining({ code: 'forbidden' }));
  expect(() => showRecipientsFor(url('?showRecipients=yes'), admin)).toThrow(expect.objectContaining({ code: 'unprocessable' }));
});
