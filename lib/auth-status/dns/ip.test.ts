import { SocketAddress } from 'node:net';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ipInNetwork, ipv6Nibbles, reverseDnsName, reversedIpLabels, sameIp } from './ip';

test('reverse DNS names for IPv4 and IPv6 (RFC 3596 §2.5)', () => {
  expect(reverseDnsName('192.0.2.7')).toBe('7.2.0.192.in-addr.arpa');
  expect(reverseDnsName('2001:db8::567:89ab')).toBe('b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  expect(reversedIpLabels('::ffff:192.0.2.1')).toBe('1.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0');
  expect(reverseDnsName('not-an-ip')).toBeNull();
  expect(reverseDnsName('192.0.2.256')).toBeNull();
});

test('ipv6Nibbles expands every textual IPv6 form to the same 32 nibbles as Node', () => {
  fc.assert(
    fc.property(fc.ipV6(), (ip) => {
      const nibbles = ipv6Nibbles(ip);
      expect(nibbles).toMatch(/^[0-9a-f]{32}$/);
      const rebuilt = (nibbles?.match(/.{4}/g) ?? []).join(':');
      expect(new SocketAddress({ address: rebuilt, family: 'ipv6' }).address).toBe(new SocketAddress({ address: ip, family: 'ipv6' }).address);
    }),
  );
});

test('CIDR matching and address comparison across forms', () => {
  expect(ipInNetwork('192.0.2.200', '192.0.2.0', 24)).toBe(true);
  expect(ipInNetwork('192.0.3.1', '192.0.2.0', 24)).toBe(false);
  expect(ipInNetwork('2001:db8:ffff::1', '2001:db8::', 32)).toBe(true);
  expect(ipInNetwork('192.0.2.1', '2001:db8::', 0)).toBe(false);
  expect(sameIp('2001:db8::1', '2001:0db8:0000::0001')).toBe(true);
  expect(sameIp('192.0.2.1', '192.0.2.10')).toBe(false);
});
