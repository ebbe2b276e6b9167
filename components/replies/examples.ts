/** Real replies to try the lookup with, each with where it was seen. */
export interface ReplyExample {
  label: string;
  reply: string;
  mxHost: string;
  recipientDomain: string;
}

export const replyExamples: readonly ReplyExample[] = [
  {
    // The reference reply of DESIGN.md (a real Microsoft 365 incident, IP replaced by a documentation address).
    label: 'Microsoft 451 4.7.500 (S77714)',
    reply: '451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]',
    mxHost: 'contoso-com.mail.protection.outlook.com',
    recipientDomain: 'contoso.com',
  },
  {
    // Gmail's multi-line 421-4.7.28 as Postfix logged it (corpus: responses/smtp-responses.tsv, from mail-in-a-box issue 1771).
    label: 'Gmail 421-4.7.28 rate limit',
    reply: '421-4.7.28 [xxx.59.88.xxx       4] Our system has detected an unusual rate of 421-4.7.28 unsolicited mail originating from your IP address. To protect our 421-x.x.xx users from spam, mail sent from your IP address has been temporarily 421-x.x.xx rate limited. Please visit 421-x.x.xx  https://support.google.com/mail/?p=UnsolicitedRateLimitError to 421 x.x.xx review our Bulk Email Senders Guidelines. z1si9679476pln.401 - gsmtp',
    mxHost: 'alt1.aspmx.l.google.com',
    recipientDomain: 'gmail.com',
  },
  {
    // Yahoo TSS04 quoted in postalserver/postal issue 881 (corpus: responses/github-issues-quoted-responses.tsv).
    label: 'Yahoo 421 4.7.0 [TSS04]',
    reply: '421 4.7.0 [TSS04] Messages from 157.245.96.95 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html',
    mxHost: 'mta5.am0.yahoodns.net',
    recipientDomain: 'yahoo.com',
  },
];
