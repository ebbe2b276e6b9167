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
} from './parse';
import { providerFor, providersNamedInText } from './providers';
import { replySignature } from './signature';
import type { ProviderGroup, ReplyAnalysis, ReplyContext } from './types';

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

/**
 * Everything the product understands of one SMTP reply (or local MTA reason): codes, provider
 * token, sending IP, Microsoft front end, Gmail's limited identity, signature and the KB rule.
 * Pure and total: never throws, whatever the input.
 */
export function explainReply(reply: string, ctx: ReplyContext = {}): ReplyAnalysis {
  const cleaned = cleanReply(typeof reply === 'string' ? reply : '');
  const smtpCode = findBasicCode(cleaned) ?? validContextCode(ctx.smtpCode);
  const enhanced = findEnhancedCode(cleaned, smtpCode) ?? parseEnhancedCode(ctx.enhancedCode);
  const text = joinContinuationLines(cleaned, smtpCode);
  const provider = providerFor(ctx.mxHost, ctx.recipientDomain);
  const providerToken = findProviderToken(text);
  const frontEnd = findMicrosoftFrontEnd(text);
  const limitedIdentity = findLimitedIdentity(text);
  const codeTemporary = temporaryOf(smtpCode, enhanced?.cls ?? null);

  const providers = new Set<ProviderGroup>([provider, ...providersNamedInText(text)]);
  const rule: KbRule | null =
    cleaned.length > 0 ? findRule(kbRules, { text, enhanced, token: providerToken, temporary: codeTemporary, providers }) : null;
  const temporary = codeTemporary ?? rule?.temporary ?? null;

  return {
    smtpCode,
    enhancedCode: enhanced ? formatEnhancedCode(enhanced) : null,
    temporary,
    provider,
    providerToken,
    sendingIp: findSendingIp(text),
    providerHost: frontEnd?.host ?? null,
    providerRegion: frontEnd?.region ?? null,
    correlationId: frontEnd?.correlationId ?? null,
    providerTimestamp: frontEnd?.timestamp ?? null,
    limitedIdentity,
    signature: replySignature(cleaned),
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
