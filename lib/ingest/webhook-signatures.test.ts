import { execFileSync } from 'node:child_process';
import { createHmac, createSign, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import { readSnsEnvelope, snsCanonicalString, verifyMailgunSignature, verifySendgridSignature, verifySnsSignature, type SnsEnvelope } from './webhook-signatures';

// ---- SendGrid: a real P-256 key pair, the body signed as SendGrid does (timestamp + raw body) ----

const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const sendgridPublicDer = sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const sendgridPublicPem = sendgridKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const sendgridBody = Buffer.from(readCorpus('webhooks/sendgrid-delivered.json'));
const sendgridTimestamp = '1513299569';
const sendgridSignature = sign('sha256', Buffer.concat([Buffer.from(sendgridTimestamp), sendgridBody]), sendgridKeys.privateKey).toString('base64');
const sendgridInput = { publicKey: sendgridPublicDer, signature: sendgridSignature, timestamp: sendgridTimestamp, rawBody: sendgridBody };

test('SendGrid: the signature verifies with the key as base64 DER and as PEM', () => {
  expect(verifySendgridSignature(sendgridInput)).toBe(true);
  expect(verifySendgridSignature({ ...sendgridInput, publicKey: sendgridPublicPem })).toBe(true);
});

test('SendGrid: a changed body, timestamp, key or signature fails, and garbage never throws', () => {
  expect(verifySendgridSignature({ ...sendgridInput, rawBody: Buffer.from(sendgridBody.toString().replace('250 OK', '550 no')) })).toBe(false);
  expect(verifySendgridSignature({ ...sendgridInput, timestamp: '1513299570' })).toBe(false);
  const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  expect(verifySendgridSignature({ ...sendgridInput, publicKey: otherKey })).toBe(false);
  expect(verifySendgridSignature({ ...sendgridInput, signature: Buffer.from('not a signature').toString('base64') })).toBe(false);
  expect(verifySendgridSignature({ ...sendgridInput, signature: '' })).toBe(false);
  expect(verifySendgridSignature({ ...sendgridInput, publicKey: 'not a key' })).toBe(false);
  const rsaKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
  expect(verifySendgridSignature({ ...sendgridInput, publicKey: rsaKey })).toBe(false);
});

// ---- Mailgun: HMAC-SHA256 of timestamp + token under the signing key ----

const mailgunKey = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const mailgunTimestamp = '1665066524';
const mailgunToken = 'a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0';
const mailgunSignature = createHmac('sha256', mailgunKey).update(mailgunTimestamp + mailgunToken).digest('hex');
const mailgunInput = { signingKey: mailgunKey, timestamp: mailgunTimestamp, token: mailgunToken, signature: mailgunSignature, now: new Date(1665066524 * 1000 + 60_000) };

test('Mailgun: a fresh, correct signature verifies (timestamp as string or number)', () => {
  expect(verifyMailgunSignature(mailgunInput)).toBe(true);
  expect(verifyMailgunSignature({ ...mailgunInput, timestamp: Number(mailgunTimestamp) })).toBe(true);
  expect(verifyMailgunSignature({ ...mailgunInput, signature: mailgunSignature.toUpperCase() })).toBe(true);
});

test('Mailgun: wrong key, token or signature, or a stale or future timestamp, fails', () => {
  expect(verifyMailgunSignature({ ...mailgunInput, signingKey: 'key-other' })).toBe(false);
  expect(verifyMailgunSignature({ ...mailgunInput, token: `${mailgunToken}x` })).toBe(false);
  expect(verifyMailgunSignature({ ...mailgunInput, signature: mailgunSignature.slice(0, 63) })).toBe(false);
  expect(verifyMailgunSignature({ ...mailgunInput, signature: 'z'.repeat(64) })).toBe(false);
  expect(verifyMailgunSignature({ ...mailgunInput, now: new Date((1665066524 + 301) * 1000) })).toBe(false);
  expect(verifyMailgunSignature({ ...mailgunInput, now: new Date((1665066524 - 301) * 1000) })).toBe(false);
  expect(verifyMailgunSignature({ ...mailgunInput, now: new Date((1665066524 + 3000) * 1000), maxAgeSeconds: 3600 })).toBe(true);
  expect(verifyMailgunSignature({ ...mailgunInput, timestamp: 'soon' })).toBe(false);
});

// ---- SNS: an RSA key and a self-signed certificate made by openssl, messages signed like SNS does ----

let dir = '';
let keyPem = '';
let certPem = '';
const certUrl = 'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-b95095beb82e8f6a046b3aafc7f4149a.pem';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sns-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=sns.amazonaws.com', '-days', '1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], {
    stdio: 'ignore',
  });
  keyPem = readFileSync(path.join(dir, 'key.pem'), 'utf8');
  certPem = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The real SNS envelope from the corpus, re-signed with the test key (SHA1 for version 1, SHA256 for 2). */
function signedEnvelope(changes: Partial<SnsEnvelope> = {}): SnsEnvelope {
  const envelope = readSnsEnvelope(JSON.parse(readCorpus('webhooks/sisimai-amazonses-02.json')));
  if (envelope === null) throw new Error('sisimai-amazonses-02.json is not an SNS envelope');
  const unsigned = { ...envelope, ...changes };
  const canonical = snsCanonicalString(unsigned);
  if (canonical === null) throw new Error('no canonical string');
  const signature = createSign(unsigned.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1').update(canonical).sign(keyPem, 'base64');
  return { ...unsigned, Signature: signature };
}

function fetcher() {
  const urls: string[] = [];
  return { urls, get: (url: string) => (urls.push(url), Promise.resolve(certPem)) };
}

test('SNS: the canonical Notification string lists the signed keys in order, Subject only when present', () => {
  const envelope = readSnsEnvelope(JSON.parse(readCorpus('webhooks/sisimai-amazonses-02.json')));
  expect(envelope).not.toBeNull();
  const canonical = snsCanonicalString(envelope as SnsEnvelope) ?? '';
  expect(canonical.split('\n').filter((_, i) => i % 2 === 0)).toEqual(['Message', 'MessageId', 'Timestamp', 'TopicArn', 'Type', '']);
  expect(canonical.endsWith('TopicArn\narn:aws:sns:us-west-2:123456789012:SES-EJ-B\nType\nNotification\n')).toBe(true);
  expect(snsCanonicalString({ ...(envelope as SnsEnvelope), Subject: 'Hi' })).toContain('MessageId\n02f86d9b-eecf-573d-b47d-3d1850750c30\nSubject\nHi\nTimestamp\n');
});

test('SNS: SignatureVersion 1 (SHA1) and 2 (SHA256) verify with the certificate fetched from SigningCertURL', async () => {
  const f = fetcher();
  await expect(verifySnsSignature(signedEnvelope(), f.get)).resolves.toEqual({ ok: true });
  await expect(verifySnsSignature(signedEnvelope({ SignatureVersion: '2' }), f.get)).resolves.toEqual({ ok: true });
  await expect(verifySnsSignature(signedEnvelope({ Subject: 'Amazon SES Email Event Notification' }), f.get)).resolves.toEqual({ ok: true });
  expect(f.urls).toEqual([certUrl, certUrl, certUrl]);
});

test('SNS: a SubscriptionConfirmation signs SubscribeURL and Token', async () => {
  const confirmation = signedEnvelope({
    Type: 'SubscriptionConfirmation',
    Message: 'You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:SES-EJ-B.',
    SubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:SES-EJ-B&Token=2336412f37',
    Token: '2336412f37',
  });
  await expect(verifySnsSignature(confirmation, fetcher().get)).resolves.toEqual({ ok: true });
  await expect(verifySnsSignature({ ...confirmation, Token: '2336412f38' }, fetcher().get)).resolves.toEqual({ ok: false, reason: 'signature does not match the message' });
  const { Token: _, ...withoutToken } = confirmation;
  await expect(verifySnsSignature(withoutToken, fetcher().get)).resolves.toMatchObject({ ok: false, reason: 'unsupported or incomplete SNS message of Type SubscriptionConfirmation' });
});

test('SNS: a tampered message or a certificate of another key fails with a reason', async () => {
  const envelope = signedEnvelope();
  await expect(verifySnsSignature({ ...envelope, Message: envelope.Message.replace('Permanent', 'Transient') }, fetcher().get)).resolves.toEqual({
    ok: false,
    reason: 'signature does not match the message',
  });
  const otherCert = execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=other', '-days', '1', '-keyout', path.join(dir, 'other-key.pem')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await expect(verifySnsSignature(envelope, () => Promise.resolve(otherCert))).resolves.toEqual({ ok: false, reason: 'signature does not match the message' });
  await expect(verifySnsSignature(envelope, () => Promise.resolve('not a certificate'))).resolves.toMatchObject({ ok: false });
  await expect(verifySnsSignature(envelope, () => Promise.reject(new Error('timeout')))).resolves.toEqual({ ok: false, reason: 'signing certificate unavailable: timeout' });
  await expect(verifySnsSignature({ ...envelope, SignatureVersion: '3' }, fetcher().get)).resolves.toEqual({ ok: false, reason: 'unsupported SignatureVersion 3' });
});

test('SNS: a certificate URL that is not https on an SNS host is refused before any fetch', async () => {
  const cases: [string, string][] = [
    ['http://sns.us-west-2.amazonaws.com/cert.pem', 'SigningCertURL is not https'],
    ['https://sns.us-west-2.amazonaws.com.evil.example/cert.pem', 'SigningCertURL host sns.us-west-2.amazonaws.com.evil.example is not an Amazon SNS endpoint'],
    ['https://evil.example/sns.us-west-2.amazonaws.com/cert.pem', 'SigningCertURL host evil.example is not an Amazon SNS endpoint'],
    ['https://s3.us-west-2.amazonaws.com/cert.pem', 'SigningCertURL host s3.us-west-2.amazonaws.com is not an Amazon SNS endpoint'],
    ['https://user@sns.us-west-2.amazonaws.com/cert.pem', 'SigningCertURL has credentials or a port'],
    ['https://sns.us-west-2.amazonaws.com:8443/cert.pem', 'SigningCertURL has credentials or a port'],
    ['https://sns.us-west-2.amazonaws.com/cert.txt', 'SigningCertURL is not a .pem certificate'],
    ['not a url', 'SigningCertURL is not a URL'],
  ];
  for (const [url, reason] of cases) {
    const f = fetcher();
    await expect(verifySnsSignature(signedEnvelope({ SigningCertURL: url }), f.get)).resolves.toEqual({ ok: false, reason });
    expect(f.urls).toEqual([]);
  }
  // China regions use amazonaws.com.cn.
  await expect(verifySnsSignature(signedEnvelope({ SigningCertURL: 'https://sns.cn-north-1.amazonaws.com.cn/cert.pem' }), fetcher().get)).resolves.toEqual({ ok: true });
});

test('readSnsEnvelope takes only an object with the SNS string fields', () => {
  expect(readSnsEnvelope(JSON.parse(readCorpus('webhooks/ses-event-delivery-record.json')))).toBeNull();
  expect(readSnsEnvelope({ ...JSON.parse(readCorpus('webhooks/sisimai-amazonses-02.json')), Signature: 5 })).toBeNull();
  expect(readSnsEnvelope('Notification')).toBeNull();
});
