import { kbRules } from './kb';
import type { KbRule } from './kb';
import { findRule } from './match';
import {
  cleanReply,
  findBasicCode,
  findEnhancedCode,
  findLimitedIdentity,
  findMicrosoftFrontEnd,
  findProviderToken,
  findSendingIp,
  formatEnhancedCode,
  joinContinuationLines,
  parseEnhancedCode,
  type EnhancedCode,
} from './parse';
import { providerFor, providersNamedInText } from './providers';
import { signatureOfCleaned } from './signature';
import type { ProviderGroup, ReplyAnalysis, ReplyContext, ReplyReading } from './types';

export { kbRules } from './kb';
export type { KbMatcher, KbProvider, KbRule } from './kb';
export { isMicrosoftMxDomain, providerFor } from './providers';
export { replySignature } from './signature';

/** Identifies the knowledge-base content: changes whenever any rule changes (FNV-1a over the rules). */
export const kbVersion: string = (() => {
  const text = JSON.stringify(kbRules, (_key, value: unknown) => (value instanceof RegExp ? value.toString() : value));
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `kb-${kbRules.length}-${hash.toString(16).padStart(8, '0')}`;
})();

function temporaryOf(smtpCode: number | null, enhancedClass: number | null): boolean | null {
  // The basic code decides when both exist: it is what the sending MTA acts on.
  const cls = smtpCode !== null ? Math.floor(smtpCode / 100) : enhancedClass;
  if (cls === 4) return true;
  if (cls === 5) return false;
  return null;
}

function validContextCode(code: number | null | undefined): number | null {
  return typeof code === 'number' && Number.isInteger(code) && code >= 200 && code <= 599 ? code : null;
}

interface Reading {
  reading: ReplyReading;
  cleaned: string;
  /** The basic code found in the text (not the context's). */
  foundCode: number | null;
  /** The text rules are matched against: continuation prefixes removed. */
  text: string;
  enhanced: EnhancedCode | null;
}

function read(reply: string, ctx: ReplyContext): Reading {
  const cleaned = cleanReply(typeof reply === 'string' ? reply : '');
  const foundCode = findBasicCode(cleaned);
  const smtpCode = foundCode ?? validContextCode(ctx.smtpCode);
  const enhanced = findEnhancedCode(cleaned, smtpCode) ?? parseEnhancedCode(ctx.enhancedCode);
  const text = joinContinuationLines(cleaned, smtpCode);
  const frontEnd = findMicrosoftFrontEnd(text);
  return {
    cleaned,
    foundCode,
    text,
    enhanced,
    reading: {
      smtpCode,
      enhancedCode: enhanced ? formatEnhancedCode(enhanced) : null,
      provider: providerFor(ctx.mxHost, ctx.recipientDomain),
      providerToken: findProviderToken(text),
      sendingIp: findSendingIp(text),
      providerHost: frontEnd?.host ?? null,
      providerRegion: frontEnd?.region ?? null,
      correlationId: frontEnd?.correlationId ?? null,
      providerTimestamp: frontEnd?.timestamp ?? null,
    },
  };
}

/**
 * What one SMTP reply states (codes, provider token, sending IP, Microsoft front end) without the knowledge-base rule
 * and the signature: all a delivery's 250 reply needs (signatures cluster failures). The same values as explainReply gives.
 */
export function readReply(reply: string, ctx: ReplyContext = {}): ReplyReading {
  return read(reply, ctx).reading;
}

/**
 * Everything the product understands of one SMTP reply (or local MTA reason): codes, provider
 * token, sending IP, Microsoft front end, Gmail's limited identity, signature and the KB rule.
 * Pure and total: never throws, whatever the input.
 */
export function explainReply(reply: string, ctx: ReplyContext = {}): ReplyAnalysis {
  const { reading, cleaned, foundCode, text, enhanced } = read(reply, ctx);
  const limitedIdentity = findLimitedIdentity(text);
  const codeTemporary = temporaryOf(reading.smtpCode, enhanced?.cls ?? null);

  const providers = new Set<ProviderGroup>([reading.provider, ...providersNamedInText(text)]);
  const rule: KbRule | null =
    cleaned.length > 0 ? findRule(kbRules, { text, enhanced, token: reading.providerToken, temporary: codeTemporary, providers }) : null;
  const temporary = codeTemporary ?? rule?.temporary ?? null;

  return {
    smtpCode: reading.smtpCode,
    enhancedCode: reading.enhancedCode,
    temporary,
    provider: reading.provider,
    providerToken: reading.providerToken,
    sendingIp: reading.sendingIp,
    providerHost: reading.providerHost,
    providerRegion: reading.providerRegion,
    correlationId: reading.correlationId,
    providerTimestamp: reading.providerTimestamp,
    limitedIdentity,
    signature: signatureOfCleaned(cleaned, text, foundCode),
    category: rule?.category ?? 'unknown',
    scope: rule ? ((limitedIdentity && rule.scopeByIdentity?.[limitedIdentity]) ?? rule.scope) : null,
    kbRule: rule?.id ?? null,
    meaning: rule?.meaning ?? null,
    action: rule?.action ?? null,
    avoid: rule?.avoid ?? null,
    sources: rule ? [...rule.sources] : [],
    isPerRecipientTemporary: rule !== null && rule.perRecipientTemporary && temporary === true,
  };
}
