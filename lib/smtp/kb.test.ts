import { readdirSync } from 'node:fs';
import { expect, test } from 'vitest';
import { corpusPath, readCorpus } from '@/lib/test-support/corpus';
import { explainReply, kbRules } from './index';
import { parseEnhancedPattern } from './match';
import type { ReplyContext } from './types';

interface RealReplyCase {
  rule: string;
  /** Verbatim reply (or MTA reason) from the corpus, or from the page named in `source`. */
  reply: string;
  ctx?: ReplyContext;
  /** Where a reply not found in the corpus was quoted from. */
  source?: string;
}

/** One or more real replies per knowledge-base rule. */
const cases: readonly RealReplyCase[] = [
  {
    rule: 'microsoft.high-volume-auth',
    reply: '550 5.7.515 Access denied, sending domain <domain> does not meet the required authentication level.',
    ctx: { mxHost: 'hotmail-com.olc.protection.outlook.com' },
    source: 'https://support.microsoft.com/en-au/topic/fix-ndr-error-550-5-7-515-in-outlook-com-34cfe8f8-6fbf-457e-9e8b-9e4dbaf4e0ef',
  },
  {
    rule: 'microsoft.ip-not-accepted',
    reply: '5.7.708 Access denied, traffic not accepted from this IP.',
    ctx: { mxHost: 'example-com.mail.protection.outlook.com' },
    source: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-7-700-through-5-7-750',
  },
  { rule: "microsoft.ip-reputation-limit", reply: "451 4.7.651 The mail server [45.133.73.165] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S844) [DM6NAM11FT088.eop-nam11.prod.protection.outlook.com 2023-10-28T12:19:31.847Z 08DBD70830F39917]" },
  { rule: "microsoft.ip-reputation-limit", reply: "smtp; 451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S3113) [5NY1SSJFSTZJRJBG.eurprd02.prod.outlook.com 2024-05-09T23:34:45.000Z GLXTWVLGZHZNHVXY]" },
  { rule: "microsoft.connection-limit", reply: "4.7.652 The mail server [xxx.xxx.xxx.xxx] has exceeded the maximum number of connections.", ctx: {mxHost: "hotmail-com.olc.protection.outlook.com"} },
  { rule: "microsoft.server-busy", reply: "451 4.7.500 Server busy. Please try again later from [174.136.107.245]. (AS843)" },
  { rule: "microsoft.server-busy", reply: "smtp;451 4.7.500 Server busy. Please try again later from [x.xx.xx.x]. (AS77712344) [#.prod.protection.outlook.com]" },
  { rule: "microsoft.org-queue-quota", reply: "smtp;450 4.7.3 Organization queue quota exceeded. [outlook.com]" },
  { rule: "microsoft.forest-connection-limit", reply: "smtp;421 4.3.2 The maximum number of concurrent connections per resource forest has exceeded a limit, closing transmission channel. example.com. PRX8 [example.com]", ctx: {mxHost: "example-com.mail.protection.outlook.com"} },
  { rule: "microsoft.recipient-rate-limit", reply: "smtp;554 5.2.122 The recipient has exceeded their limit for the number of messages they can receive per hour. For more information go to http://go.microsoft.com/fwlink/?LinkId=526653. (#) [outlook.com]" },
  { rule: "microsoft.recipient-rate-limit", reply: "smtp;554 5.2.121 The sender has exceeded the limit for the number of messages they can send to this recipient per hour. For more information go to http://go.microsoft.com/fwlink/?LinkId=526653. [#.prod.outlook.com #]" },
  { rule: "microsoft.blocklist", reply: "550 5.7.1 Unfortunately, messages from [82.98.171.203] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [Name=Protocol Filter Agent][AGT=PFA][MxId=11BC54339C3FD8FF] [BN3PEPF0000B077.namprd04.prod.outlook.com 2025-11-25T08:06:40.951Z 08DE2A19D02BF789]" },
  { rule: "microsoft.blocklist", reply: "550 5.7.1 Unfortunately, messages from [185.234.69.116] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [DM6NAM12FT008.eop-nam12.prod.protection.outlook.com 2023-02-01T02:52:56.703Z 08DB03E3F757F606]" },
  { rule: "microsoft.blocklist", reply: "550 5.7.1 Unfortunately, messages from [*******] weren't sent. Please contact your Internet service provider since part of their network is on our block list (AS3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [AM5EUR03FT018.eop-EUR03.prod.protection.outlook.com]" },
  { rule: "microsoft.blocklist", reply: "550 SC-001 (BAY004-MC4F27) Unfortunately, messages from 62.210.82.129 weren't sent. Please contact your Internet service provider since part of their network is on our block list. You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors." },
  { rule: "microsoft.banned-ip", reply: "SMTP; 550 5.7.606 Access denied, banned sending IP [198.51.100.222]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to http://go.microsoft.com/fwlink/?LinkID=526655 (AS16012609)" },
  { rule: "microsoft.banned-sender", reply: "550 5.7.51 1 Access denied, banned sender[2.2.2.2]. To request removal from this list please forward this message to delist@messaging.microsoft.com. For more information please go to  http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410) [LO2GBR01FT012.eop-gbr01.prod.protection.outlook.com]" },
  { rule: "microsoft.dmarc-reject", reply: "SMTP; 550 5.7.509 Access denied, sending domain [EXAMPLE.JP] does not pass DMARC verification and has a DMARC policy of reject. [7FQL1BDY0XZ5XGTW.JPNP222.PROD.OUTLOOK.COM 2024-04-29T23:34:45.000Z NG5X6YLY2QZK8T7B] [VB0JMRQKNLZPTQMN.eurprd06.prod.outlook.com 2024-04-29T23:34:45.000Z HTTZYWCWHTZK8F8N] [JUTN0NNV051736.eop-eur22.prod.protection.outlook.com 2024-04-29T23:34:45.000Z K2TP4MV8R6ZF2XN2]" },
  { rule: "microsoft.recipient-access-denied", reply: "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [PR2FRA01FT009.eop-fra01.prod.protection.outlook.com]" },
  { rule: "microsoft.recipient-access-denied", reply: "smtp; 550 5.4.1 <kijitora@example.br>: Recipient address rejected: Access denied [BL2NAM02FT061.eop-nam02.prod.protection.outlook.com]" },
  { rule: "google.rate-limit", reply: "421 4.7.28 [x.xx.xx.xx] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines. - gsmtp" },
  { rule: "google.rate-limit", reply: "421-4.7.28 [xxx.59.88.xxx       4] Our system has detected an unusual rate of 421-4.7.28 unsolicited mail originating from your IP address. To protect our 421-x.x.xx users from spam, mail sent from your IP address has been temporarily 421-x.x.xx rate limited. Please visit 421-x.x.xx  https://support.google.com/mail/?p=UnsolicitedRateLimitError to 421 x.x.xx review our Bulk Email Senders Guidelines. z1si9679476pln.401 - gsmtp" },
  { rule: "google.unsolicited-blocked", reply: "550-5.7.28 [1.2.3.4       1] Our system has detected an unusual rate of 550-5.7.28 unsolicited mail originating from your IP address. To protect our 550-5.7.28 users from spam, mail sent from your IP address has been blocked. 550-5.7.28 Please visit 550-5.7.28  https://support.google.com/mail/?p=UnsolicitedIPError to review our 550 5.7.28 Bulk Email Senders Guidelines. 2si9625341ooe.33 - gsmtp" },
  { rule: "google.unusual-rate", reply: "421-4.7.0 [1.2.3.4      15] Our system has detected an unusual rate of 421-4.7.0 unsolicited mail originating from your IP address. To protect our 421-4.7.0 users from spam, mail sent from your IP address has been temporarily 421-4.7.0 rate limited. Please visit 421-4.7.0  https://support.google.com/mail/answer/81126 to review our Bulk Email 421 4.7.0 Senders Guidelines. bv15si15610322wjb.142 - gsmtp" },
  { rule: "google.unusual-rate", reply: "421-4.7.0 Our system has detected an unusual rate of unsolicited mail originating from your IP address.", ctx: {mxHost: "gmail-smtp-in.l.google.com"} },
  { rule: "google.connection-throttled", reply: "421 4.7.0 Try again later, closing connection. (EHLO) xxx-xxxxxxxxxxxxxxxxxxxxxxxxxx - gsmtp" },
  { rule: "google.connection-throttled", reply: "421-4.7.0 Try again later, closing connection. (EHLO)", ctx: {mxHost: "gmail-smtp-in.l.google.com"} },
  { rule: "google.dmarc-alignment-rate", reply: "4.7.32 This mail has been rate limited because there is no DMARC alignment", ctx: {mxHost: "gmail-smtp-in.l.google.com"} },
  { rule: "google.receiving-rate", reply: "450-4.2.1 The user you are trying to contact is receiving mail at a rate that 450-4.2.1 prevents additional messages from being delivered. Please resend your 450-4.2.1 message at a later time. If the user is able to receive mail at that 450-4.2.1 time, your message will be delivered. For more information, please 450-4.2.1 visit 450 4.2.1  https://support.google.com/mail/answer/6592 ws10si1375806lbb.183 - gsmtp" },
  { rule: "google.receiving-rate", reply: "smtp;450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. Please resend your message at a later time. If the user is able to receive mail at that time, your message will be delivered. For more information, please visit https://support.google.com/mail/?p=ReceivingRate - gsmtp" },
  { rule: "google.receiving-rate-permanent", reply: "smtp;550 5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. For more information, please visit https://support.google.com/mail/?p=ReceivingRatePerm - gsmtp" },
  { rule: "google.over-quota", reply: "smtp;452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp" },
  { rule: "google.over-quota", reply: "smtp; 552-5.2.2 The recipient's inbox is out of storage space and inactive. Please 552-5.2.2 direct the recipient to 552 5.2.2 https://support.google.com/mail/?p=OverQuotaPerm c2-202229zmZBNM3agi23.222 - gsmtp" },
  { rule: "google.disabled-user", reply: "smtp;550 5.2.1 The email account that you tried to reach is disabled. Learn more at https://support.google.com/mail/?p=DisabledUser - gsmtp" },
  { rule: "google.no-such-user", reply: "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser od20si504618ejb.621 - gsmtp" },
  { rule: "google.dmarc-reject", reply: "550 5.7.26 Unauthenticated email from branan.org is not accepted due to domain's DMARC policy. Please contact the administrator of branan.org domain if this was a legitimate mail. To learn about the DMARC initiative, go to https://support.google.com/mail/?p=DmarcRejection 38308e7fff4ca-389f2f1fdd7sor3282081fa.1 - gsmtp" },
  { rule: "google.dmarc-reject", reply: "550 5.7.1 Unauthenticated email from post.xero.com is not accepted due to domain's DMARC policy. Please contact the administrator of post.xero.com domain if this was a legitimate mail. Please visit https://support.google.com/mail/answer/2451690 to learn about the DMARC initiative. w1si4780923eda.214 - gsmtp" },
  { rule: "google.spf-fail", reply: "smtp; 550-5.7.26 The MAIL FROM domain [mail4.example.com] has an SPF record with a 550-5.7.26 hard fail policy (-all) but it fails to pass SPF checks with the ip: 550-5.7.26 [192.0.2.24]. To best protect our users from spam and phishing, 550-5.7.26 the message has been blocked. For instructions on setting up 550-5.7.26 authentication, go to 550 5.7.26 https://support.google.com/mail/answer/81126#authentication 2-222222630d46222222b002b2d2neko2cat2222222cat.22 - gsmtp" },
  { rule: "google.unauthenticated", reply: "550-5.7.26 Your email has been blocked because the sender is unauthenticated. 550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM. 550-5.7.26  550-5.7.26  Authentication results: 550-5.7.26  DKIM = did not pass 550-5.7.26  SPF [mxproxy.ogion.cz] with ip: [2a03:3b40:fe:81::1] = did not pass 550-5.7.26  550-5.7.26  For instructions on setting up authentication, go to 550 5.7.26  https://support.google.com/mail/answer/81126#authentication a640c23a62f3a-aac0eff19desi1759812166b.313 - gsmtp" },
  { rule: "google.missing-ptr", reply: "smtp; 550-5.7.25 [192.0.2.202] The IP address sending this message does not have a 550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not 550-5.7.25 point to the sending IP. As a policy, Gmail does not accept messages 550-5.7.25 from IPs with missing PTR records. For more information, go to 550 5.7.25 https://support.google.com/mail/answer/81126#ip-practices neko-1785a7g6767a6agg.2 - gsmtp" },
  { rule: "google.low-ip-reputation", reply: "550-5.7.1 [1.2.3.4      18] Our system has detected that this message is 550-5.7.1 likely suspicious due to the very low reputation of the sending IP 550-5.7.1 address. To best protect our users from spam, the message has been 550-5.7.1 blocked. Please visit 550 5.7.1  https://support.google.com/mail/answer/188131 for more information. 81si7692667otz.314 - gsmtp" },
  { rule: "google.low-domain-reputation", reply: "smtp;421 4.7.0 [x.xx.xx.xx] Our system has detected that this message is suspicious due to the very low reputation of the sending domain. To best protect our users from spam, the message has been blocked. Please visit https://support.google.com/mail/answer/188131 for more information. - gsmtp" },
  { rule: "google.suspicious-content", reply: "smtp;421 4.7.0 [x.xx.xx.xx] Our system has detected that this message is suspicious due to the nature of the content and/or the links within. To best protect our users from spam, the message has been blocked. Please visit https://support.google.com/mail/answer/188131 for more information. - gsmtp" },
  { rule: "google.suspicious-content", reply: "550-5.7.1 [2607:4100:3:25:100::2      12] Our system has detected that this 550-5.7.1 message is likely unsolicited mail. To reduce the amount of spam sent 550-5.7.1 to Gmail, this message has been blocked. Please visit 550-5.7.1 http://support.google.com/mail/bin/answer.py?hl=en&answer=188131 for 550 5.7.1 more information. qc12si8475009pab.211 - gsmtp" },
  { rule: "google.message-not-compliant", reply: "smtp;550 5.7.1 [x.xx.xx.xx 14] Messages missing a valid address in From: header, or having no From: header, are not accepted. - gsmtp" },
  { rule: "google.recipient-policy", reply: "550-5.7.1 The user or domain that you are sending to (or from) has a policy that 550-5.7.1 prohibited the mail that you sent. Please contact your domain 550-5.7.1 administrator for further details. For more information, please visit 550 5.7.1  https://support.google.com/a/answer/172179 g13si3070469otj.207 - gsmtp" },
  { rule: "google.temporary-system-problem", reply: "421 4.3.0 Temporary System Problem.  Try again later (10). cx5-20020a17090afd8500b002135de3013fsm2332009pjb.32 - gsmtp" },
  { rule: "yahoo.permanently-deferred", reply: "553 5.7.2 [TSS09] All messages from 192.0.2.25 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes", source: "https://github.com/sisimai/p5-sisimai/blob/master/lib/Sisimai/Rhost/YahooInc.pm (comment)" },
  { rule: "yahoo.permanently-deferred", reply: "553 5.7.2 [TSS11] All messages from 192.0.2.25 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes", source: "https://github.com/sisimai/p5-sisimai/blob/master/lib/Sisimai/Rhost/YahooInc.pm (comment)" },
  { rule: "yahoo.permanently-deferred", reply: "421 4.7.1 [TS03] All messages from 27.54.93.110 will be permanently deferred; Retrying will NOT succeed. See https://help.yahoo.com/kb/postmaster/SLN3436.html", source: "https://pastebin.com/NspYGDaR (Postfix log)" },
  { rule: "yahoo.tss04", reply: "421 4.7.0 [TSS04] Messages from 78.225.183.108 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html" },
  { rule: "yahoo.tss04", reply: "421 4.7.0 [TSS04] Messages from 185.205.69.214 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes" },
  { rule: "yahoo.temporarily-deferred", reply: "421 4.7.0 [TSS05] Messages from a.b.c.d temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes" },
  { rule: "yahoo.temporarily-deferred", reply: "421 [IPTS04] Messages from 136.144.163.100 temporarily deferred due to unexpected volume or user complaints" },
  { rule: "yahoo.temporarily-deferred", reply: "421 4.7.0 [TS01] Messages from 198.500.500.500 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html" },
  { rule: "yahoo.temporarily-deferred", reply: "421 4.7.0 [XXX] Messages from x.x.x.x temporarily deferred due to user complaints - 4.16.55.1" },
  { rule: "yahoo.blocklist", reply: "host xx.yahoodns.net [x.xx.xx.xx] SMTP error from remote mail server after MAIL FROM:<user@example.com> SIZE=2022: 553 5.7.1 [BL21] Connections will not be accepted from x.xx.xx.xx, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html" },
  { rule: "yahoo.blocklist", reply: "host xx.yahoodns.net [x.xx.xx.xx] SMTP error from remote mail server after MAIL FROM:<user@example.com> SIZE=2022: 553 Mail from x.xx.xx.xx not allowed - 5.7.1 [BL23] Connections not accepted from IP addresses on Spamhaus XBL; see http://postmaster.yahoo.com/errors/550-bl23.html [550]" },
  { rule: "yahoo.policy", reply: "smtp;554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes" },
  { rule: "yahoo.policy", reply: "smtp;554 Message not allowed - [PH01] Email not accepted for policy reasons. Please visit https://postmaster.yahooinc.com/error-codes" },
  { rule: "yahoo.user-unknown", reply: "SMTP; 554 delivery error: dd This user doesn't have a yahoo.com account (this-local-part-does-not-exist@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com" },
  { rule: "yahoo.recipient-rate", reply: "smtp;450 User is receiving mail too quickly", ctx: {mxHost: "mta6.am0.yahoodns.net"} },
  { rule: "apple.excessive-volume", reply: "smtp;421 4.7.1 Messages to example@icloud.com deferred due to excessive volume. Try again later - https://support.apple.com/en-us/HT204137" },
  { rule: "apple.service-unavailable", reply: "smtp;451 4.7.1 Service unavailable - try again later", ctx: {mxHost: "mx01.mail.icloud.com"} },
  { rule: "apple.policy", reply: "smtp;550 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137" },
  { rule: "comcast.blocked", reply: "554 xx.comcast.net comcast x.xx.xx.xx Comcast block for spam. Please see http://postmaster.comcast.net/smtp-error-codes.php#BL000000" },
  { rule: "comcast.recipient-rate", reply: "smtp;452 4.1.1 <example@comcast.net> too many recent messages; Try again later" },
  { rule: "gmx-webde.too-many-mails", reply: "450 4.3.2 Too many mails (mail bomb), try again in 1 hour(s) 25 minute(s) and see ( http://portal.gmx.net/serverrules ) {mx-us011}" },
  { rule: "mailru.spam", reply: "550 spam message rejected. Please visit http://help.mail.ru/notspam-support/id?c=fhtDsnELae77cN6t9-j6dIPfAZm8McBDFOVns8DZ9Q1n62fvJQEllQsAAAAOxQEA6zMdHg~~ or  report details to abuse@corp.mail.ru. Error code: B2431B7EEE690B71ADDE70FB74FAE8F79901DF8343C031BCB367E5140DF5D9C0EF67EB6795250125. ID: 0000000B0001C50E1E1D33EB." },
  { rule: "yandex.spam", reply: "smtp;554 5.7.1 [1] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc ##", ctx: {mxHost: "mx.yandex.ru"} },
  { rule: "zoho.spam", reply: "smtp;554 5.7.1 Email cannot be delivered. Reason: Email flagged as Spam.", ctx: {mxHost: "mx.zoho.com"} },
  { rule: "mimecast.poor-reputation", reply: "550 csi.mimecast.org Poor Reputation Sender. - https://community.mimecast.com/docs/DOC-1369#550 [EM-f6hnWN9maa42OLPquOA.us166]" },
  { rule: "mimecast.policy-block", reply: "smtp;550 Administrative prohibition - envelope blocked - https://community.mimecast.com/docs/DOC-1369#550 [#]" },
  { rule: "mimecast.temporarily-unavailable", reply: "smtp;451 Internal resource temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451 [#]" },
  { rule: "proofpoint.blocked", reply: "554 Blocked - see https://ipcheck.proofpoint.com/?ip=11.22.33.44" },
  { rule: "proofpoint.blocked", reply: "554 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?0ip=", ctx: {mxHost: "mx02.mail.icloud.com"} },
  { rule: "barracuda.policy-rejection", reply: "smtp;450 cuda_nsu 4.7.1 <email@example.com>: Recipient address rejected: Policy Rejection- Abuse. Go away." },
  { rule: "barracuda.policy-rejection", reply: "smtp;554 rejected due to spam URL in content", ctx: {mxHost: "d123456a.ess.barracudanetworks.com"} },
  { rule: "generic.tls-not-offered", reply: "TLS is required, but was not offered by host hotmail-com.olc.protection.outlook.com[104.47.2.33]", ctx: {mxHost: "hotmail-com.olc.protection.outlook.com"} },
  { rule: "generic.connection-lost", reply: "delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO" },
  { rule: "generic.connection-timeout", reply: "X-Postfix; connect to bukkoji.example.org[192.0.2.1]:25: Connection timed out" },
  { rule: "generic.connection-refused", reply: "Connection refused" },
  { rule: "generic.network-unreachable", reply: "X-Postfix; connect to nyaan.example.com[192.0.2.2]:25: No route to host" },
  { rule: "generic.network-unreachable", reply: "connect to aspmx.l.google.com[2a00:1450:400b:c02::1a]:25: Network is unreachable" },
  { rule: "generic.host-not-found", reply: "X-Postfix; Host or domain name not found. Name service error for name=neko.example.jp type=AAAA: Host not found" },
  { rule: "generic.null-mx", reply: "smtp; DNS Error: 80458680 DNS type 'mx' lookup of libsisimai.org responded with code NOERROR The domain libsisimai.org doesn't receive email according to the administrator: returned Null MX https://www.rfc-editor.org/info/rfc7505" },
  { rule: "generic.greylisting", reply: "451-You have been greylisted. This is part of our standard anti-spam measures 451-and your mail system should automatically try again later. We will accept 451 this mail from you in 42 seconds" },
  { rule: "generic.greylisting", reply: "450 4.2.0 <whatever-user@lists.example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/lists.example.org.html" },
  { rule: "generic.recipient-rate", reply: "smtp;450 4.2.1 The recipient has exceeded message rate limit. Try again later." },
  { rule: "generic.sender-rate-limit", reply: "smtp; 452 4.3.2 Connection rate limit exceeded." },
  { rule: "generic.sender-rate-limit", reply: "smtp; 550 5.1.1 <kijitora@example.com> - 203.0.113.222 has sent to too many recipients this hour. IB607 <http://x.co/rlbounce>" },
  { rule: "generic.sender-rate-limit", reply: "554 5.2.0 sc969: IP reputation ratelimit in effect - https://support.bluewin.ch/provider/bounce/aXA9NS4xMDIuMTQ1LjIzO2M9c2M5Njk7aWQ9VkxwTGplU2ZXMEVmalZMcExqWFFZYTt0cz0xNTg4NTQwMDI3" },
  { rule: "generic.domain-blocklisted", reply: "smtp;550 5.7.1 Your email was rejected due to having a domain present in the Spamhaus DBL -- see https://www.spamhaus.org/dbl/" },
  { rule: "generic.domain-blocklisted", reply: "smtp;550 5.7.1 Service unavailable, MailFrom domain is listed in Spamhaus. To request removal from this list see https://www.spamhaus.org/query/lookup/ (S8002) [#.eop-nam02.prod.protection.outlook.com]" },
  { rule: "generic.ip-blocklisted", reply: "550 IP 45.79.0.243 is blocked by EarthLink. Go to earthlink.net/block for details." },
  { rule: "generic.ip-blocklisted", reply: "smtp; 521-5.7.1 Service unavailable; client [203.0.113.225] blocked using dnsbl.sorbs.net 521 5.7.1 Please see http://support.mailhostbox.com/email-administrators-guide-error-codes/ for explanation of the problem." },
  { rule: "generic.dmarc-reject", reply: "smtp;550 5.2.0 Message rejected due to DMARC. Please see http://postmaster.comcast.net/smtp-error-codes.php#DM000001" },
  { rule: "generic.dmarc-reject", reply: "smtp;550 5.7.1 Your message was rejected due to example.com\u2019s DMARC policy. See https://support.apple.com/en-us/HT204137 for info" },
  { rule: "generic.spf-fail", reply: "smtp;550 <example@example.com>: Reject due to SPF policy. The originating IP of the message is not permitted by the domain owner" },
  { rule: "generic.missing-ptr", reply: "host xx.comcast.net [x.xx.xx.xx] SMTP error from remote mail server after initial connection: 554 xx.comcast.net comcast x.xx.xx.xx Comcast requires that all mail servers must have a PTR record with a valid Reverse DNS entry. Currently your mail server does not fill that requirement. For more information, refer to: http://postmaster.comcast.net/smtp-error-codes.php#554" },
  { rule: "generic.missing-ptr", reply: "421 Refused. Your reverse DNS entry does not resolve to an IP." },
  { rule: "generic.mailbox-full", reply: "smtp;452 4.1.1 <example@comcast.net> user over quota" },
  { rule: "generic.mailbox-full", reply: "smtp;550 5.2.2 <kijitora@example.jp>... Mailbox Full" },
  { rule: "generic.mailbox-disabled", reply: "smtp;550 5.2.1 This mailbox has been blocked due to inactivity" },
  { rule: "generic.mailbox-unknown", reply: "550 5.1.1 <invalid.email@example.com> User unknown" },
  { rule: "generic.mailbox-unknown", reply: "smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup" },
  { rule: "generic.relay-denied", reply: "smtp;554 5.7.1 <example@icloud.com>: Relay access denied" },
  { rule: "generic.spam-content", reply: "smtp; 550 5.7.1 Message content rejected, UBE, id=00000-22-225" },
  { rule: "generic.mail-system", reply: "smtp;421 Service not available, closing transmission channel" },
  { rule: "generic.mail-system", reply: "smtp;452 4.3.1 Temporary System Error" },
  { rule: "generic.network-routing", reply: "smtp;550 4.4.7 QUEUE.Expired; message expired" },
  { rule: "generic.network-routing", reply: "smtp;550 5.4.312 Message expired, DNS query failed" },
];

for (const c of cases) {
  test(`${c.rule}: ${c.reply.slice(0, 90)}`, () => {
    const analysis = explainReply(c.reply, c.ctx);
    const rule = kbRules.find((r) => r.id === c.rule);
    expect(analysis.kbRule).toBe(c.rule);
    expect(analysis.category).toBe(rule?.category);
    expect(analysis.meaning).toBe(rule?.meaning);
    expect(analysis.sources.length).toBeGreaterThan(0);
  });
}

test('every rule id is covered by at least one named real-reply case', () => {
  const covered = new Set(cases.map((c) => c.rule));
  expect(kbRules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  expect([...covered].filter((id) => !kbRules.some((r) => r.id === id))).toEqual([]);
});

test('no two rules share an id, and ids are <provider>.<family>', () => {
  const ids = kbRules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+$/);
});

test('cases without a cited source are quoted verbatim from the corpus', () => {
  const logs = ['postfix', 'exim'].flatMap((dir) =>
    readdirSync(corpusPath(dir), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.log'))
      .map((name) => readCorpus(`${dir}/${name}`)),
  );
  const corpus = [readCorpus('responses/smtp-responses.txt'), ...logs].join('\n');
  const missing = cases.filter((c) => c.source === undefined && !corpus.includes(c.reply)).map((c) => c.reply);
  expect(missing).toEqual([]);
});

test('every rule has data the analysis needs: matchers, meaning, action, https sources', () => {
  for (const rule of kbRules) {
    expect(rule.match.length, rule.id).toBeGreaterThan(0);
    expect(rule.meaning.length, rule.id).toBeGreaterThan(10);
    expect(rule.action.length, rule.id).toBeGreaterThan(5);
    expect(rule.sources.length, rule.id).toBeGreaterThan(0);
    for (const source of rule.sources) expect(source, rule.id).toMatch(/^https?:\/\/\S+$/);
    for (const matcher of rule.match) {
      expect(Object.keys(matcher).length, rule.id).toBeGreaterThan(0);
      if (matcher.enhanced !== undefined) expect(() => parseEnhancedPattern(matcher.enhanced ?? ''), rule.id).not.toThrow();
      // A global or sticky regex keeps state between test() calls and would match every other reply.
      for (const re of [matcher.text, matcher.token]) if (re) expect(re.flags, rule.id).not.toMatch(/[gy]/);
    }
  }
});

test('provider rules come before the generic fallbacks', () => {
  const firstGeneric = kbRules.findIndex((r) => r.provider === 'any');
  expect(firstGeneric).toBeGreaterThan(0);
  expect(kbRules.slice(firstGeneric).every((r) => r.provider === 'any')).toBe(true);
});

test('malformed enhanced patterns are refused', () => {
  expect(() => parseEnhancedPattern('4.7')).toThrow();
  expect(() => parseEnhancedPattern('4.7.1-4.8.1')).toThrow();
  expect(parseEnhancedPattern('x.1.1')).toEqual({ cls: null, subject: 1, fromDetail: 1, toDetail: 1 });
});
