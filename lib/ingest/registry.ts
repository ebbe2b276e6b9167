import { csvFormat } from './formats/generic-csv';
import { eximFormat } from './formats/exim';
import { kumomtaFormat } from './formats/kumomta';
import { mailgunFormat } from './formats/mailgun';
import { ndjsonFormat } from './formats/generic-ndjson';
import { postfixFormat } from './formats/postfix';
import { postmarkFormat } from './formats/postmark';
import { powermtaFormat } from './formats/powermta';
import { sendgridFormat } from './formats/sendgrid';
import { sesFormat } from './formats/ses';
import { formatNames, type Format, type FormatName } from './types';

/** Every format the ingest API accepts, by the name used in `?format=`. */
export const formats: Record<FormatName, Format> = {
  postfix: postfixFormat,
  exim: eximFormat,
  powermta: powermtaFormat,
  kumomta: kumomtaFormat,
  sendgrid: sendgridFormat,
  mailgun: mailgunFormat,
  ses: sesFormat,
  postmark: postmarkFormat,
  ndjson: ndjsonFormat,
  csv: csvFormat,
};

export function isFormatName(value: string): value is FormatName {
  return (formatNames as readonly string[]).includes(value);
}
