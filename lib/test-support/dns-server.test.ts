import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from './dns-server';

let server: TestDnsServer;
let resolver: Resolver;

const LONG_TXT = `v=DKIM1; k=rsa; p=${'A'.repeat(400)}`;
const HUGE_TXT = `v=DKIM1; k=rsa; p=${'B'.repeat(900)}`;

beforeAll(async () => {
  server = await startTestDnsServer(
    {
      'Host.Example.Test': [
        { type: 'A', data: '192.0.2.10' },
        { type: 'AAAA', data: '2001:db8::10' },
        { type: 'TXT', data: 'hello' },
        { type: 'MX', data: { preference: 10, exchange: 'mx.example.test' } },
      ],
      'alias.example.test': [{ type: 'CNAME', data: 'host.example.test' }],
      '10.2.0.192.in-addr.arpa': [{ type: 'PTR', data: 'host.example.test' }],
      'deep.below.example.test': [{ type: 'A', data: '192.0.2.11' }],
      'long.example.test': [{ type: 'TXT', data: LONG_TXT }],
      'huge.example.test': [{ type: 'TXT', data: HUGE_TXT }],
    },
    { failures: { 'refused.example.test': 'refused', 'servfail.example.test': 'servfail', 'drop.example.test': 'timeout' } },
  );
  resolver = new Resolver({ timeout: 300, tries: 1 });
  resolver.setServers([server.server]);
});

afterAll(() => server.close());

async function errorCode(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

test('listens on a random port of 127.0.0.1 and answers every record type, names case-insensitively', async () => {
  expect(server.address).toBe('127.0.0.1');
  expect(server.port).toBeGreaterThan(0);
  expect(await resolver.resolve4('host.example.test')).toEqual(['192.0.2.10']);
  expect(await resolver.resolve6('HOST.example.test')).toEqual(['2001:db8::10']);
  expect(await resolver.resolveTxt('host.example.test')).toEqual([['hello']]);
  expect(await resolver.resolveMx('host.example.test')).toEqual([{ priority: 10, exchange: 'mx.example.test' }]);
  expect(await resolver.reverse('192.0.2.10')).toEqual(['host.example.test']);
  expect(await resolver.resolve4('alias.example.test')).toEqual(['192.0.2.10']);
  expect(await resolver.resolveCname('alias.example.test')).toEqual(['host.example.test']);
});

test('NXDOMAIN for unknown names, NODATA for known names (and empty non-terminals) without the type', async () => {
  expect(await errorCode(() => resolver.resolve4('missing.example.test'))).toBe('ENOTFOUND');
  expect(await errorCode(() => resolver.resolveTxt('alias-missing.example.test'))).toBe('ENOTFOUND');
  expect(await errorCode(() => resolver.resolvePtr('host.example.test'))).toBe('ENODATA');
  expect(await errorCode(() => resolver.resolve4('below.example.test'))).toBe('ENODATA');
});

test('a raw UDP query gets an authoritative answer with the right rcode', async () => {
  const socket = dgram.createSocket('udp4');
  const ask = (name: string) =>
    new Promise<dnsPacket.DecodedPacket>((resolve) => {
      socket.once('message', (msg) => resolve(dnsPacket.decode(msg)));
      socket.send(dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] }), server.port, server.address);
    });
  const found = await ask('host.example.test');
  const missing = await ask('nothing.example.test');
  socket.close();
  expect(found).toMatchObject({ id: 4242, flag_aa: true, flag_rd: true, rcode: 'NOERROR' });
  expect(found.answers).toMatchObject([{ type: 'A', data: '192.0.2.10' }]);
  expect(missing).toMatchObject({ flag_aa: true, rcode: 'NXDOMAIN', answers: [] });
});

test('TXT data over 255 bytes is split into strings, and answers over 512 bytes move to TCP', async () => {
  const long = await resolver.resolveTxt('long.example.test');
  expect(long[0]?.length).toBe(2);
  expect(long[0]?.join('')).toBe(LONG_TXT);
  const huge = await resolver.resolveTxt('huge.example.test');
  expect(huge[0]?.join('')).toBe(HUGE_TXT);
  expect(huge[0]?.every((s) => Buffer.byteLength(s) <= 255)).toBe(true);
  const hugeQueries = server.queries.filter((q) => q.name === 'huge.example.test');
  expect(hugeQueries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
});

test('answers REFUSED, SERVFAIL or nothing for the names told to fail', async () => {
  expect(await errorCode(() => resolver.resolve4('refused.example.test'))).toBe('EREFUSED');
  expect(await errorCode(() => resolver.resolve4('servfail.example.test'))).toBe('ESERVFAIL');
  const started = Date.now();
  expect(await errorCode(() => resolver.resolve4('drop.example.test'))).toBe('ETIMEOUT');
  expect(Date.now() - started).toBeLessThan(2000);
});

test('setRecords and setFailure change the answers at once and queries are logged', async () => {
  server.setRecords('new.example.test', [{ type: 'A', data: '192.0.2.77' }]);
  expect(await resolver.resolve4('new.example.test')).toEqual(['192.0.2.77']);
  server.setFailure('new.example.test', 'servfail');
  expect(await errorCode(() => resolver.resolve4('new.example.test'))).toBe('ESERVFAIL');
  server.setFailure('new.example.test', null);
  server.setRecords('new.example.test', []);
  expect(await errorCode(() => resolver.resolve4('new.example.test'))).toBe('ENOTFOUND');
  expect(server.queries.filter((q) => q.name === 'new.example.test')).toHaveLength(3);
  expect(server.queries.at(-1)).toEqual({ name: 'new.example.test', type: 'A', transport: 'udp' });
});
