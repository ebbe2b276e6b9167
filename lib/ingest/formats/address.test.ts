import { expect, test } from 'vitest';
import { findBracketedHost, parseBracketedHost, unbracketAddress } from './address';

test('unbracketAddress: the null sender is null', () => {
  expect(unbracketAddress('<a@example.com>')).toBe('a@example.com');
  expect(unbracketAddress('user@hostname.example.com')).toBe('user@hostname.example.com');
  expect(unbracketAddress('<>')).toBeNull();
  expect(unbracketAddress('')).toBeNull();
});

test('parseBracketedHost: Postfix relay= forms', () => {
  expect(parseBracketedHost('ALT2.ASPMX.L.GOOGLE.com[3.155.237.60]:25')).toEqual({ host: 'alt2.aspmx.l.google.com', ip: '3.155.237.60' });
  expect(parseBracketedHost('gmail-smtp-in.l.google.com[2a00:1450:4013:c06::1b]:25')).toEqual({ host: 'gmail-smtp-in.l.google.com', ip: '2a00:1450:4013:c06::1b' });
  expect(parseBracketedHost('[254.112.150.90]')).toEqual({ host: null, ip: '254.112.150.90' });
  expect(parseBracketedHost('sub1.example.com[private/dovecot-lmtp]')).toEqual({ host: 'sub1.example.com', ip: null });
  expect(parseBracketedHost('none')).toBeNull();
  expect(parseBracketedHost('dovecot')).toBeNull();
});

test('findBracketedHost: first host with an IP literal, skipping socket names', () => {
  expect(findBracketedHost('lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO')).toEqual({ host: 'mta7.am0.yahoodns.net', ip: '98.136.216.22' });
  expect(findBracketedHost('Host or domain name not found. Name service error for name=x type=AAAA: Host not found')).toBeNull();
  expect(findBracketedHost('250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok')).toEqual({ host: null, ip: '127.0.0.1' });
});
