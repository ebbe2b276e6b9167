/**
 * The contract between format parsers (lib/ingest/formats) and the ingest pipeline.
 * Parsers turn source records into ParsedEvent; the pipeline enriches them with
 * what lib/smtp understands of the reply and writes them.
 */

export const outcomes = ['delivered', 'deferred', 'bounced', 'expired'] as const;
export type Outcome = (typeof outcomes)[number];

/** Where an event came from: the MTA or ESP that recorded it. */
export const sources = ['postfix', 'exim', 'powermta', 'kumomta', 'sendgrid', 'mailgun', 'ses', 'postmark', 'generic'] as const;
export type SourceName = (typeof sources)[number];

/** The formats a batch can be declared as (`?format=`), besides `auto`. */
export const formatNames = ['postfix', 'exim', 'powermta', 'kumomta', 'sendgrid', 'mailgun', 'ses', 'postmark', 'ndjson', 'csv'] as const;
export type FormatName = (typeof formatNames)[number];

/** One delivery attempt of one message to one recipient, as a parser read it. */
export interface ParsedEvent {
  occurredAt: Date;
  source: SourceName;
  /** Host name of the MTA that logged the line (syslog host), when known. */
  sourceHost: string | null;
  queueId: string | null;
  messageId: string | null;
  /** Envelope sender address. */
  sender: string | null;
  /** Full recipient address; the pipeline derives the domain and masks where asked. */
  recipient: string | null;
  /** Recipient domain when the source states only the domain (generic NDJSON/CSV); else derived from `recipient`. */
  recipientDomain?: string | null;
  mxHost: string | null;
  mxIp: string | null;
  /** Our sending IP as the record states it (not guessed from the reply; the pipeline does that). */
  sendingIp: string | null;
  outcome: Outcome;
  /** Reply code when the record carries it separately from the text (KumoMTA `code`). */
  smtpCode: number | null;
  /** Enhanced status the record states separately (Postfix `dsn=`, PowerMTA dsnStatus). */
  enhancedCode: string | null;
  /** The remote reply text, or the local reason for connection-level failures ("lost connection with …"). */
  reply: string | null;
  delaySeconds: number | null;
  attempt: number | null;
  sizeBytes: number | null;
  /** A provider's own id for this event (SendGrid sg_event_id, Mailgun id, SES feedback id…), used for de-duplication. */
  providerEventId: string | null;
}

/** Where a Postfix message's context is kept between batches: queue ids are unique per host and Postfix instance. */
export interface QueueKey {
  /** Syslog host; empty when the line had none. */
  host: string;
  /** Postfix instance: the syslog tag before the slash (`postfix`, `postfix-out2`). */
  instance: string;
  queueId: string;
}

/** What a batch's cleanup/qmgr lines told about a queued message, kept for later batches (postfix_context). */
export interface MessageContext extends QueueKey {
  /** The batch saw the cleanup line that starts the message's story: the record replaces what was kept for the queue id; otherwise it completes it. */
  isStart: boolean;
  messageId: string | null;
  sender: string | null;
  sizeBytes: number | null;
  /** Log time of the first line of the message the batch saw. */
  firstSeenAt: Date;
}

/** What a parser says about one input line or record. Context lines produce nothing. */
export type ParseOutput =
  /** `contextKey`: the line's own batch did not see its message start, so earlier batches' context may complete it. */
  | { kind: 'event'; line: number; event: ParsedEvent; contextKey?: QueueKey }
  | { kind: 'reject'; line: number; reason: string };

export interface ParseContext {
  /** "Now" for inferring the year of classic syslog timestamps (never in the future). */
  now: Date;
  /** Offset of local time in logs without a zone, minutes east of UTC (0 = logs are UTC). */
  utcOffsetMinutes: number;
}

/** A format read line by line with state (Postfix joins qmgr/cleanup lines to the queue id). */
export interface LineParser {
  /** Feed one line (no trailing newline, CR already stripped); `line` is 1-based. */
  push(text: string, line: number): ParseOutput[];
  /** Flush anything held back at end of input. */
  end(): ParseOutput[];
  /**
   * After `end()`: what later batches need to know about messages still queued (context records), and the queue ids
   * whose message left the queue (`removed`) with the time it did, so what was kept for them is dropped: only those an
   * earlier batch can have kept (a message that started and left within the batch was never kept).
   */
  keptContext?(): { contexts: MessageContext[]; removed: Array<QueueKey & { removedAt: Date }> };
}

export interface LineFormat {
  kind: 'lines';
  name: FormatName;
  createParser(ctx: ParseContext): LineParser;
}

/**
 * A format made of JSON records (webhook payloads, KumoMTA logs): the pipeline hands each
 * record (an element of a JSON array, a whole JSON document, or one NDJSON line) to parseRecord.
 */
export interface RecordFormat {
  kind: 'records';
  name: FormatName;
  parseRecord(record: unknown, line: number, ctx: ParseContext): ParseOutput[];
}

export type Format = LineFormat | RecordFormat;
