import fc from 'fast-check';
import { expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import { outcomes, type Outcome, type ParseContext, type ParseOutput, type ParsedEvent } from '../types';
import { parsePostfixStatus, postfixFormat, readPostfixReply } from './postfix';

const ctx: ParseContext = { now: new Date('2025-06-01T00:00:00Z'), utcOffsetMinutes: 0 };

function parse(text: string, context: ParseContext = ctx): ParseOutput[] {
  const parser = postfixFormat.createParser(context);
  const out = text.split('\n').flatMap((line, i) => parser.push(line, i + 1));
  return [...out, ...parser.end()];
}

const events = (out: ParseOutput[]): (ParsedEvent & { line: number })[] =>
  out.flatMap((o) => (o.kind === 'event' ? [{ ...o.event, line: o.line }] : []));
const rejects = (out: ParseOutput[]) => out.flatMap((o) => (o.kind === 'reject' ? [{ line: o.line, reason: o.reason }] : []));

function countOutcomes(out: ParseOutput[]): Partial<Record<Outcome, number>> {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const e of events(out)) counts[e.outcome] = (counts[e.outcome] ?? 0) + 1;
  return counts;
}

const corpusLines = (file: string): string[] => readCorpus(file).split('\n');

test('Mailu #3013: Microsoft 451 4.7.651 (S844) IP-reputation deferrals', () => {
  const out = parse(readCorpus('postfix/github-issues/Mailu-Mailu-3013.log'), { now: new Date('2023-11-01T00:00:00Z'), utcOffsetMinutes: 0 });
  expect(rejects(out)).toEqual([]);
  const found = events(out);
  expect(found.map((e) => e.line)).toEqual([1, 2]);
  for (const e of found) {
    expect(e).toMatchObject({
      occurredAt: new Date('2023-10-28T12:19:32Z'),
      source: 'postfix',
      sourceHost: 'mail',
      queueId: '213A0C01A2',
      outcome: 'deferred',
      mxHost: 'hotmail-com.olc.protection.outlook.com',
      mxIp: '104.47.57.161',
      enhancedCode: '4.7.651',
      delaySeconds: 767,
      sendingIp: null,
    });
    expect(e.recipient?.split('@')[1]).toBe('hotmail.com');
    expect(e.reply).toMatch(/^451 4\.7\.651 The mail server \[45\.133\.73\.165\] .*\(S844\)/);
    expect(e.reply).toMatch(/08DBD70830F39917\]$/);
  }
});

test('Mailu #1458: Yahoo TSS04 deferrals; "host … said" and "lost connection" lines without status= are context', () => {
  const out = parse(readCorpus('postfix/github-issues/Mailu-Mailu-1458.log'));
  expect(rejects(out)).toEqual([]);
  const found = events(out);
  expect(found.map((e) => [e.line, e.recipient, e.mxHost, e.mxIp])).toEqual([
    [1, 'MASKED@aol.com', 'mx-aol.mail.gm0.yahoodns.net', '98.136.96.92'],
    [4, 'MASKED@yahoo.com.mx', 'mta5.am0.yahoodns.net', '67.195.228.106'],
  ]);
  expect(found[0]?.reply).toBe(
    '421 4.7.0 [TSS04] Messages from 78.225.183.108 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html',
  );
});

test('getlantern: Gmail 450-4.2.1 multi-line reply kept as Postfix prints it, host lower-cased', () => {
  const [e, ...rest] = events(parse(readCorpus('postfix/github-issues/getlantern-lantern_aws-80.log')));
  expect(rest).toEqual([]);
  expect(e).toMatchObject({ outcome: 'deferred', enhancedCode: '4.2.1', mxHost: 'alt1.aspmx.l.google.com', mxIp: '64.233.165.26', delaySeconds: 405 });
  expect(e?.reply).toMatch(/^450-4\.2\.1 The user you are trying to contact is receiving mail at a rate that 450-4\.2\.1 prevents/);
  expect(e?.reply).toContain('450 4.2.1  https://support.google.com/mail/answer/6592');
  expect(e?.reply?.endsWith('ws10si1375806lbb.183 - gsmtp')).toBe(true);
});

test('jtojnar: Gmail 5.7.26 bounce over IPv6; the NDR lines that follow belong to another queue id and are not joined', () => {
  const out = parse(readCorpus('postfix/github-issues/jtojnar-nixfiles-13.log'));
  const [e, ...rest] = events(out);
  expect(rest).toEqual([]);
  expect(e).toMatchObject({
    occurredAt: new Date('2025-01-02T07:31:13Z'),
    queueId: '251A3372458',
    outcome: 'bounced',
    recipient: 'foo@gmail.com',
    mxHost: 'gmail-smtp-in.l.google.com',
    mxIp: '2a00:1450:4013:c06::1b',
    enhancedCode: '5.7.26',
    sender: null,
    messageId: null,
    sizeBytes: null,
  });
  expect(e?.reply).toMatch(/^550-5\.7\.26 Your email has been blocked because the sender is unauthenticated\./);
});

test('docker-mailserver #2953: Gmail 550-5.7.26 DMARC bounce, "in reply to end of DATA" removed', () => {
  const [e, ...rest] = events(parse(readCorpus('postfix/github-issues/docker-mailserver-docker-mailserver-2953.log')));
  expect(rest).toEqual([]);
  expect(e).toMatchObject({ outcome: 'bounced', recipient: 'mygmail@gmail.com', mxIp: '66.102.1.27', enhancedCode: '5.7.26', delaySeconds: 3.5 });
  expect(e?.reply).toMatch(/^550-5\.7\.26 Unauthenticated email from domain\.com .* - gsmtp$/);
});

test('ddavness: TLS-required deferral keeps Postfix\'s own reason as the reply', () => {
  const [e] = events(parse(readCorpus('postfix/github-issues/ddavness-power-mailinabox-34.log')));
  expect(e).toMatchObject({
    outcome: 'deferred',
    enhancedCode: '4.7.4',
    mxHost: 'hotmail-com.olc.protection.outlook.com',
    mxIp: '104.47.2.33',
    reply: 'TLS is required, but was not offered by host hotmail-com.olc.protection.outlook.com[104.47.2.33]',
  });
});

test('mail-in-a-box #1771: a fragment without prefix is rejected, yet its Gmail 421-4.7.28 reply reads whole', () => {
  const text = readCorpus('postfix/github-issues/mail-in-a-box-mailinabox-1771.fragment.log').trimEnd();
  const out = parse(text);
  expect(events(out)).toEqual([]);
  expect(rejects(out)).toEqual([{ line: 1, reason: expect.stringContaining('no timestamp') }]);

  const status = parsePostfixStatus(text);
  expect(status).toMatchObject({ queueId: null, recipient: 'example@example.com', status: 'deferred', dsn: '4.7.28', delaySeconds: 332 });
  const read = readPostfixReply(status?.detail ?? '');
  expect(read.reply).toMatch(/^421-4\.7\.28 \[xxx\.59\.88\.xxx {7}4\] Our system has detected an unusual rate of 421-4\.7\.28 unsolicited/);
  expect(read.reply.endsWith('z1si9679476pln.401 - gsmtp')).toBe(true);
  expect(read.host).toEqual({ host: 'alt1.aspmx.l.google.com', ip: '74.125.28.26' });

  // The same fragment behind a syslog prefix (prefix written for this test) is an event.
  const [e] = events(parse(`Mar  5 10:00:00 box postfix/smtp[4242]: 9A1B2C3D4E:${text}`));
  expect(e).toMatchObject({ queueId: '9A1B2C3D4E', outcome: 'deferred', reply: read.reply, mxIp: '74.125.28.26' });
});

test('jonjensen: lines quoted as "postfix/smtp[pid]: …" without date are rejected; Outlook AS843 reply reads', () => {
  const lines = corpusLines('postfix/jonjensen-check_postfix_blocked-comment-lines.log');
  const out = parse(lines.join('\n'));
  expect(events(out)).toEqual([]);
  expect(rejects(out).map((r) => r.line)).toEqual([1, 2, 4]);
  const status = parsePostfixStatus((lines[3] ?? '').replace(/^postfix\/smtp\[\d+\]: /, ''));
  expect(status).toMatchObject({ recipient: 'MASKED@hotmail.com', dsn: '4.7.500', status: 'deferred' });
  expect(readPostfixReply(status?.detail ?? '').reply).toBe('451 4.7.500 Server busy. Please try again later from [174.136.107.245]. (AS843)');
});

const lightmeterNow: ParseContext = { now: new Date('2021-01-15T00:00:00Z'), utcOffsetMinutes: 0 };

test('lightmeter 18_expired: five retries of one queue id, then expired, all joined to qmgr/cleanup', () => {
  const out = parse(readCorpus('postfix/lightmeter/18_expired.log'), lightmeterNow);
  expect(rejects(out)).toEqual([]);
  expect(countOutcomes(out)).toEqual({ delivered: 1, deferred: 5, expired: 1 });
  const retried = events(out).filter((e) => e.queueId === '23EBE3D5C0');
  expect(retried.map((e) => e.delaySeconds)).toEqual([2, 2071, 411573, 425973, 440374, null]);
  for (const e of retried) {
    expect(e).toMatchObject({
      sender: 'h-498b874f2bf0cf639807ad80e1@h-5e67b9b4406.com',
      sizeBytes: 312343,
      messageId: 'h-dea85411b67a40a063ef58e0ab590721@h-daa2fe3dd7fc0b5c2017db90829038b.com',
      sourceHost: 'smtpnode16',
    });
  }
  expect(retried.at(-1)).toMatchObject({ line: 22, outcome: 'expired', recipient: null, reply: null, occurredAt: new Date('2020-09-30T20:46:08Z') });
});

test('lightmeter 6_deferred_message_retry: greylisting deferral, then delivery of the same queue id', () => {
  const out = parse(readCorpus('postfix/lightmeter/6_deferred_message_retry.log'), lightmeterNow);
  expect(countOutcomes(out)).toEqual({ delivered: 6, deferred: 1 });
  const retried = events(out).filter((e) => e.queueId === 'A17F830001CA');
  expect(retried.map((e) => [e.line, e.outcome, e.delaySeconds, e.mxIp])).toEqual([
    [30, 'deferred', 0.75, '141.30.67.69'],
    [55, 'delivered', 427, '11.22.33.44'],
  ]);
  for (const e of retried) expect(e).toMatchObject({ sender: 'bounces@some.example.com', sizeBytes: 2259, messageId: '000msgid0000@example.com' });
  expect(retried[0]?.reply).toMatch(/^451-You have been greylisted\. .* 451 this mail from you in 42 seconds$/);
  expect(retried[1]?.reply).toBe('250 OK id=1kmGfT-00056j-NK');
});

test('lightmeter 1_bounce_simple: the bounce is joined; an LMTP socket relay has no IP', () => {
  const out = parse(readCorpus('postfix/lightmeter/1_bounce_simple.log'), lightmeterNow);
  expect(countOutcomes(out)).toEqual({ delivered: 2, bounced: 1 });
  const [bounce] = events(out).filter((e) => e.outcome === 'bounced');
  expect(bounce).toMatchObject({
    queueId: '776E41855DB2',
    sender: 'user@sender.com',
    sizeBytes: 1111,
    messageId: 'ca10035e-2951-bfd5-ec7e-1a5773fce1cd@mail.sender.com',
    reply: '550 5.1.1 <invalid.email@example.com> User unknown',
  });
  const lmtp = events(out).find((e) => e.queueId === 'A48191855DA0');
  expect(lmtp).toMatchObject({ mxHost: 'mail.sender.com', mxIp: null, sender: null });
});

test('lightmeter 2_multiple_recipients_some_bounces: 8 delivered, 3 bounced (nullMX, S3140, 5.1.1)', () => {
  const out = parse(readCorpus('postfix/lightmeter/2_multiple_recipients_some_bounces.log'), lightmeterNow);
  expect(countOutcomes(out)).toEqual({ delivered: 8, bounced: 3 });
  const bounces = events(out).filter((e) => e.outcome === 'bounced');
  expect(bounces.map((e) => [e.line, e.enhancedCode, e.mxHost])).toEqual([
    [19, '5.1.0', null],
    [21, '5.7.1', 'hotmail-com.olc.protection.outlook.com'],
    [24, '5.1.1', 'aspmx.l.google.com'],
  ]);
  expect(bounces[0]).toMatchObject({ mxIp: null, reply: 'Domain example.com does not accept mail (nullMX)' });
  expect(bounces[1]?.reply).toContain('(S3140)');
});

test('pixelpark: RFC 3339 timestamps; every status= line is an event or a pipe/local delivery', () => {
  const text = readCorpus('postfix/pixelpark-postfix-logsums/mail.log.all-status-lines.log');
  const out = parse(text);
  expect(rejects(out)).toEqual([]);
  expect(countOutcomes(out)).toEqual({ delivered: 184, bounced: 1 });
  const eventLines = new Set(events(out).map((e) => e.line));
  const skipped = text
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line, n }) => line.includes('status=') && !eventLines.has(n));
  expect(skipped).toHaveLength(180);
  for (const { line } of skipped) expect(line).toMatch(/ postfix\/(pipe|local)\[/);

  const all = events(out);
  expect(all[0]).toMatchObject({ occurredAt: new Date('2023-03-13T23:08:35.948Z'), sourceHost: 'helga', mxIp: '127.0.0.1' });
  expect(all.find((e) => e.outcome === 'bounced')).toMatchObject({
    mxHost: null,
    mxIp: null,
    enhancedCode: '5.4.4',
    reply: 'Host or domain name not found. Name service error for name=hennig-berlin.com type=AAAA: Host not found',
  });
  expect(all.find((e) => e.recipient === 'bounce-no-reply@nebenan.de')).toMatchObject({ mxHost: 'aspmx.l.google.com', mxIp: '2a00:1450:400c:c00::1a' });
});

test('whyscream: message-only status lines of SMTP/LMTP deliveries and expiries are rejected, the rest is context', () => {
  const out = parse(readCorpus('postfix/whyscream-postfix-grok-patterns/test-data-lines.log'));
  expect(events(out)).toEqual([]);
  // smtp/lmtp (38, 104, 105, 113, 114, 122, 172–177) and qmgr expired (94, 95); local, pipe, virtual,
  // discard, error ("delivery temporarily suspended") and verify lines are not attempts.
  expect(rejects(out).map((r) => r.line)).toEqual([38, 94, 95, 104, 105, 113, 114, 122, 172, 173, 174, 175, 176, 177]);
});

// Written for this test in the shape Postfix multi-instance logs (postmulti, syslog_name=postfix-out2).
const multiInstance = [
  'Oct 11 02:17:49 mx1 postfix-out1/qmgr[811]: 7356ABD12E: from=<other@example.org>, size=999, nrcpt=1 (queue active)',
  'Oct 11 02:17:49 mx1 postfix-out2/qmgr[812]: 7356ABD12E: from=<news@example.net>, size=48213, nrcpt=1 (queue active)',
  'Oct 11 02:17:50 mx1 postfix-out2/smtp[1885]: 7356ABD12E: to=<someone@contoso.com>, relay=contoso-com.mail.protection.outlook.com[104.47.2.33]:25, delay=21537, delays=21536/0.08/0.72/0, dsn=4.7.500, status=deferred (host contoso-com.mail.protection.outlook.com[104.47.2.33] said: 451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91] (in reply to RCPT TO command))',
];

test('multi-instance postfix-out2/smtp: joined within its own instance only', () => {
  const [e, ...rest] = events(parse(multiInstance.join('\n'), { now: new Date('2023-10-12T00:00:00Z'), utcOffsetMinutes: 0 }));
  expect(rest).toEqual([]);
  expect(e).toMatchObject({ sourceHost: 'mx1', sender: 'news@example.net', sizeBytes: 48213, enhancedCode: '4.7.500', occurredAt: new Date('2023-10-11T02:17:50Z') });
  expect(e?.reply).toMatch(/^451 4\.7\.500 Server busy\. .*08DBC41AE3EEAC91\]$/);
});

test('"removed" forgets a queue id, so a reused id is not joined to the old message', () => {
  const lines = [...multiInstance.slice(1, 2), 'Oct 11 02:17:51 mx1 postfix-out2/qmgr[812]: 7356ABD12E: removed', multiInstance[2] ?? ''];
  const [e] = events(parse(lines.join('\n'), { now: new Date('2023-10-12T00:00:00Z'), utcOffsetMinutes: 0 }));
  expect(e).toMatchObject({ sender: null, sizeBytes: null });
});

/** One batch through a fresh parser: its outputs, and what it keeps for later batches. */
function batch(lines: string[], context: ParseContext) {
  const parser = postfixFormat.createParser(context);
  const out = [...lines.flatMap((line, i) => parser.push(line, i + 1)), ...parser.end()];
  return { out, kept: parser.keptContext?.() };
}

test('lightmeter 6_deferred_message_retry in two batches: the retry batch asks for the message context the first one keeps', () => {
  const lines = corpusLines('postfix/lightmeter/6_deferred_message_retry.log');
  const first = batch(lines.slice(0, 30), lightmeterNow);
  const second = batch(lines.slice(30), lightmeterNow);
  const queue = { host: 'mail', instance: 'postfix', queueId: 'A17F830001CA' };
  // Its cleanup line is in the first batch: the deferral there is complete and asks for nothing.
  const deferral = first.out.find((o) => o.kind === 'event' && o.event.queueId === 'A17F830001CA');
  expect(deferral).toMatchObject({ event: { messageId: '000msgid0000@example.com', sender: 'bounces@some.example.com' } });
  expect(deferral && 'contextKey' in deferral).toBe(false);
  expect(first.kept?.contexts).toContainEqual({ ...queue, isStart: true, messageId: '000msgid0000@example.com', sender: 'bounces@some.example.com', sizeBytes: 2259, firstSeenAt: new Date('2020-12-07T13:28:01Z') });
  expect(first.kept?.removed).toContainEqual({ host: 'mail', instance: 'postfix', queueId: '939E030001C8', removedAt: new Date('2020-12-07T13:28:01Z') });
  // The second batch has the retry's qmgr line but not the cleanup line: the delivery asks for the rest.
  const sent = second.out.find((o) => o.kind === 'event' && o.event.queueId === 'A17F830001CA');
  expect(sent).toMatchObject({ event: { messageId: null, sender: 'bounces@some.example.com', sizeBytes: 2259 }, contextKey: queue });
  expect(second.kept?.removed).toContainEqual({ ...queue, removedAt: new Date('2020-12-07T13:35:08Z') });
  expect(second.kept?.contexts.some((c) => c.queueId === 'A17F830001CA')).toBe(false);
});

test('a delivery line after "removed" or a cleanup line in its own batch asks for no earlier context', () => {
  const at = { now: new Date('2023-10-12T00:00:00Z'), utcOffsetMinutes: 0 };
  const removedFirst = batch([multiInstance[1] ?? '', 'Oct 11 02:17:51 mx1 postfix-out2/qmgr[812]: 7356ABD12E: removed', multiInstance[2] ?? ''], at);
  expect(removedFirst.out.find((o) => o.kind === 'event')).not.toHaveProperty('contextKey');
  expect(removedFirst.kept).toEqual({ contexts: [], removed: [{ host: 'mx1', instance: 'postfix-out2', queueId: '7356ABD12E', removedAt: new Date('2023-10-11T02:17:51Z') }] });
  const qmgrOnly = batch(multiInstance.slice(1), at);
  expect(qmgrOnly.out.find((o) => o.kind === 'event')).toMatchObject({ contextKey: { host: 'mx1', instance: 'postfix-out2', queueId: '7356ABD12E' } });
  expect(qmgrOnly.kept?.contexts).toEqual([
    { host: 'mx1', instance: 'postfix-out2', queueId: '7356ABD12E', isStart: false, messageId: null, sender: 'news@example.net', sizeBytes: 48213, firstSeenAt: new Date('2023-10-11T02:17:49Z') },
  ]);
});

test('a message that starts and leaves within its batch sends no removal; one that left without starting here does, even if its queue id starts again', () => {
  const at = { now: new Date('2023-10-12T00:00:00Z'), utcOffsetMinutes: 0 };
  const cleanup = 'Oct 11 02:17:48 mx1 postfix-out2/cleanup[700]: 7356ABD12E: message-id=<a@example.net>';
  const removed = (t: string) => `Oct 11 ${t} mx1 postfix-out2/qmgr[812]: 7356ABD12E: removed`;
  // Started and left here: no earlier batch can have kept it.
  expect(batch([cleanup, ...multiInstance.slice(1), removed('02:17:51')], at).kept).toEqual({ contexts: [], removed: [] });
  // Left without its start (kept by an earlier batch), then the queue id reused by a message that also left: removal sent.
  const reused = batch([multiInstance[1] ?? '', removed('02:17:51'), cleanup.replace('02:17:48', '02:17:52'), removed('02:17:53')], at);
  expect(reused.kept).toEqual({ contexts: [], removed: [{ host: 'mx1', instance: 'postfix-out2', queueId: '7356ABD12E', removedAt: new Date('2023-10-11T02:17:53Z') }] });
});

// The Gmail bounce of docker-mailserver #2953, dated "Dec 24 01:08:07" (classic syslog, no year).
const december = readCorpus('postfix/github-issues/docker-mailserver-docker-mailserver-2953.log').split('\n')[0] ?? '';

test('classic timestamps: the year is the latest one not in the future beyond one day of skew', () => {
  const at = (now: string, utcOffsetMinutes = 0) => events(parse(december, { now: new Date(now), utcOffsetMinutes }))[0]?.occurredAt;
  expect(at('2023-01-02T00:00:00Z')).toEqual(new Date('2022-12-24T01:08:07Z'));
  expect(at('2022-12-23T12:00:00Z')).toEqual(new Date('2022-12-24T01:08:07Z'));
  expect(at('2022-12-22T12:00:00Z')).toEqual(new Date('2021-12-24T01:08:07Z'));
  expect(at('2023-01-02T00:00:00Z', 60)).toEqual(new Date('2022-12-24T00:08:07Z'));
  expect(at('2023-01-02T00:00:00Z', -300)).toEqual(new Date('2022-12-24T06:08:07Z'));
});

test('CRLF line endings and stray carriage returns do not change the result', () => {
  const plain = events(parse(december));
  expect(events(parse(`${december}\r`))).toEqual(plain);
  expect(events(parse(`${december}\r\r`))).toEqual(plain);
  expect(plain).toHaveLength(1);
});

// Written for this test in the form Postfix logs a failed connection to every MX (relay=none).
test('connection-level deferral with relay=none takes the MX from the text', () => {
  const line = 'Oct 11 02:17:50 mx1 postfix/smtp[2211]: 4A1B2C3D4E: to=<a@example.com>, relay=none, delay=30, delays=0.01/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.25]:25: Connection timed out)';
  const [e] = events(parse(line));
  expect(e).toMatchObject({ mxHost: 'mx.example.com', mxIp: '192.0.2.25', reply: 'connect to mx.example.com[192.0.2.25]:25: Connection timed out', enhancedCode: '4.4.1' });
});

test('non-attempts: address-verification probes and "delivery temporarily suspended" are context', () => {
  const suspended = 'Oct 11 02:17:50 mx1 postfix/error[77]: 2DC5552A34: to=<user@yahoo.com>, relay=none, delay=63495, delays=63350/144/0/0, dsn=4.4.2, status=deferred (delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO)';
  const suspendedBySmtp = suspended.replace('postfix/error[77]', 'postfix/smtp[77]');
  const probe = 'Oct 11 02:17:50 mx1 postfix/smtp[77]: 3E29030F8637E: to=<user@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=0.5, delays=0/0/0.4/0.1, dsn=2.1.5, status=deliverable (250 2.1.5 Ok)';
  expect(parse([suspended, suspendedBySmtp, probe].join('\n'))).toEqual([]);
});

test('an smtp line with status= that is not a status record is rejected, not dropped', () => {
  const out = parse('Oct 11 02:17:50 mx1 postfix/smtp[77]: 4A1B2C3D4E: conversation garbled, status=');
  expect(rejects(out)).toEqual([{ line: 1, reason: expect.stringContaining('unrecognised Postfix delivery-status line') }]);
});

function isWellFormed(out: ParseOutput[], lineNumber: number): boolean {
  return out.every((o) => {
    if (o.line !== lineNumber) return false;
    if (o.kind === 'reject') return o.reason.length > 0;
    return !Number.isNaN(o.event.occurredAt.getTime()) && outcomes.includes(o.event.outcome) && o.event.source === 'postfix';
  });
}

const realLines = [
  ...corpusLines('postfix/github-issues/Mailu-Mailu-3013.log'),
  ...corpusLines('postfix/lightmeter/18_expired.log'),
  ...corpusLines('postfix/pixelpark-postfix-logsums/mail.log.slice-44050-44200.log').slice(0, 40),
  ...corpusLines('postfix/whyscream-postfix-grok-patterns/test-data-lines.log'),
].filter((l) => l !== '');

test('property: random text never throws and every output is well-formed', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 20 }), fc.integer({ min: -720, max: 840 }), (lines, offset) => {
      const parser = postfixFormat.createParser({ now: new Date('2024-02-29T12:00:00Z'), utcOffsetMinutes: offset });
      return lines.every((line, i) => isWellFormed(parser.push(line, i + 1), i + 1));
    }),
  );
});

test('property: mutated real lines never throw and every output is well-formed', () => {
  const mutation = fc.record({ at: fc.nat(), deleteCount: fc.nat({ max: 20 }), insert: fc.string({ maxLength: 12 }) });
  fc.assert(
    fc.property(fc.constantFrom(...realLines), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat({ max: 100_000 }), (line, mutations, lineNumber) => {
      const mutated = mutations.reduce((text, m) => {
        const at = m.at % (text.length + 1);
        return text.slice(0, at) + m.insert + text.slice(at + m.deleteCount);
      }, line);
      const parser = postfixFormat.createParser(ctx);
      return isWellFormed(parser.push(mutated, lineNumber), lineNumber);
    }),
  );
});
