import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '@/lib/test-support/dns-server';
import { createDnsResolver, type DnsResolver } from './resolver';
import { checkDkim, parseDkimKey } from './dkim';

function rsaKey(bits: number, type: 'spki' | 'pkcs1' = 'spki'): string {
  return generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'der', type }).toString('base64');
}

// RFC 8463 §4.2: the raw 32-byte key, i.e. the SPKI DER minus its 12-byte prefix.
const ED25519_RAW = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
const RSA_2048 = rsaKey(2048);
const RSA_4096 = rsaKey(4096);
const RSA_1024 = rsaKey(1024);
const RSA_512 = rsaKey(512);
const RSA_2048_PKCS1 = rsaKey(2048, 'pkcs1');

let server: TestDnsServer;
let resolver: DnsResolver;

beforeAll(async () => {
  const key = (selector: string, data: string) => ({ [`${selector}._domainkey.example.test`]: [{ type: 'TXT' as const, data }] });
  server = await startTestDnsServer({
    ...key('s2048', `v=DKIM1; k=rsa; p=${RSA_2048}`),
    ...key('s4096', `v=DKIM1; k=rsa; p=${RSA_4096}`),
    ...key('s1024', `v=DKIM1; k=rsa; p=${RSA_1024}`),
    ...key('s512', `v=DKIM1; p=${RSA_512}`),
    ...key('revoked', 'v=DKIM1; k=rsa; p='),
    ...key('testing', `v=DKIM1; t=y; p=${RSA_2048}`),
    ...key('ed', `v=DKIM1; k=ed25519; p=${ED25519_RAW}`),
    ...key('pkcs1', `v=DKIM1; p=${RSA_2048_PKCS1}`),
    ...key('sha1', `v=DKIM1; h=sha1; p=${RSA_2048}`),
    'esp._domainkey.example.test': [{ type: 'CNAME', data: 'key1.dkim.esp.test' }],
    'key1.dkim.esp.test': [{ type: 'TXT', data: `v=DKIM1; k=rsa; p=${RSA_2048}` }],
  });
  resolver = createDnsResolver({ servers: [server.server], timeoutMs: 300, tries: 1 });
});

afterAll(() => server.close());

test('2048- and 4096-bit RSA keys pass, including a key delegated by CNAME and one too big for UDP', async () => {
  const [s2048, s4096, esp] = await checkDkim('example.test', ['s2048', 's4096', 'esp'], { resolver });
  expect(s2048).toMatchObject({ name: 's2048._domainkey.example.test', hasRecord: true, keyType: 'rsa', keyBits: 2048, status: 'pass', problems: [] });
  expect(s4096).toMatchObject({ keyBits: 4096, status: 'pass' });
  expect(server.queries.some((q) => q.name === 's4096._domainkey.example.test' && q.transport === 'tcp')).toBe(true);
  expect(esp).toMatchObject({ keyBits: 2048, status: 'pass' });
});

test('a 1024-bit key warns, a 512-bit key fails', async () => {
  const [s1024, s512] = await checkDkim('example.test', ['s1024', 's512'], { resolver });
  expect(s1024).toMatchObject({ keyBits: 1024, status: 'warn' });
  expect(s1024?.problems).toEqual(['the RSA key has 1024 bits: use 2048 bits (RFC 8301 recommends it; some receivers distrust shorter keys)']);
  expect(s512).toMatchObject({ keyBits: 512, status: 'fail' });
  expect(s512?.problems[0]).toBe('the RSA key has only 512 bits: receivers reject keys under 1024 bits (RFC 8301)');
});

test('an empty p= is a revoked key; a missing record is reported', async () => {
  const [revoked, missing] = await checkDkim('example.test', ['revoked', 'nosuch'], { resolver });
  expect(revoked).toMatchObject({ hasRecord: true, isRevoked: true, keyBits: null, status: 'fail' });
  expect(revoked?.problems).toEqual(['p= is empty: the key is revoked, so signatures with this selector fail']);
  expect(missing).toMatchObject({ hasRecord: false, record: null, status: 'none' });
  expect(missing?.problems).toEqual(['no DKIM key at nosuch._domainkey.example.test: mail signed with selector "nosuch" fails DKIM']);
});

test('testing flag, Ed25519, PKCS#1 keys and sha1-only hashes', async () => {
  const [testing, ed, pkcs1, sha1] = await checkDkim('example.test', ['testing', 'ed', 'pkcs1', 'sha1'], { resolver });
  expect(testing).toMatchObject({ isTesting: true, status: 'warn', problems: ['t=y (testing): receivers may treat signed mail as unsigned'] });
  expect(ed).toMatchObject({ keyType: 'ed25519', keyBits: 256, status: 'pass' });
  expect(pkcs1).toMatchObject({ keyBits: 2048, status: 'pass' });
  expect(sha1).toMatchObject({ status: 'fail', problems: ['h=sha1 does not allow sha256; RFC 8301 forbids sha1 signatures'] });
});

test('parseDkimKey explains unreadable keys and bad versions', () => {
  expect(parseDkimKey('v=DKIM1; p=not*base64').errors).toEqual(['p= is not valid base64']);
  expect(parseDkimKey('v=DKIM1; p=AAAA').errors).toEqual(['p= is not a readable RSA public key']);
  expect(parseDkimKey(`k=rsa; v=DKIM1; p=${RSA_2048}`).errors).toEqual(['v= must be the first tag and exactly DKIM1']);
  expect(parseDkimKey('v=DKIM1; k=dsa; p=AAAA').errors).toEqual(['k=dsa is not a known key type: use rsa or ed25519']);
  expect(parseDkimKey('v=DKIM1; k=ed25519; p=AAAA').errors).toEqual(['p= holds 3 bytes; an Ed25519 key is 32 bytes (RFC 8463)']);
  expect(parseDkimKey('v=DKIM1; k=rsa').errors).toEqual(['p= is missing: the record holds no public key']);
});

test('parseDkimKey never throws on random input', () => {
  const dkimish = fc.array(fc.constantFrom('v=DKIM1', ';', ' ', '=', 'p', 'k', 'rsa', 'ed25519', 't', 'y', 'h', 'sha1', 'MIIB', 'AAAA', '==', 'constructor', '__proto__'));
  fc.assert(
    fc.property(fc.oneof(fc.string(), dkimish.map((parts) => parts.join(''))), (text) => {
      const r = parseDkimKey(text);
      expect(Array.isArray(r.errors)).toBe(true);
    }),
    { numRuns: 1000 },
  );
});
