import type { Category, LimitedIdentity, ProviderGroup, Scope } from '../types';

/** Which providers a rule is about: one group, both Microsoft groups, or anyone. */
export type KbProvider = ProviderGroup | 'microsoft' | 'any';

/** One way a rule recognises a reply; every field given must hold. */
export interface KbMatcher {
  /** Enhanced status: exact `4.7.28`, a range `4.7.500-4.7.699`, or any class with `x.1.1`. */
  enhanced?: string;
  /** Tested against the provider token (S77714, AS(843), TSS04, BL000000 …). */
  token?: RegExp;
  /** Tested against the reply text with multi-line continuation prefixes removed. */
  text?: RegExp;
  /** Only replies that are temporary (true) or permanent (false). */
  temporary?: boolean;
}

/** A knowledge-base entry: how to recognise a reply family and what it means for the sender. */
export interface KbRule {
  /** `<provider>.<family>`, e.g. microsoft.server-busy. */
  id: string;
  provider: KbProvider;
  /** The rule applies when any matcher holds. */
  match: readonly KbMatcher[];
  category: Exclude<Category, 'unknown'>;
  scope: Scope;
  /** Scope when the reply names the limited identity (Gmail 4.7.28 may limit a DKIM or SPF domain, not the IP). */
  scopeByIdentity?: Partial<Record<LimitedIdentity, Scope>>;
  /** What the provider means: true = retry later works, false = a block; null = depends on the code. */
  temporary: boolean | null;
  /** A temporary failure about one recipient (mailbox full, receiving too fast, greylisting). */
  perRecipientTemporary: boolean;
  meaning: string;
  action: string;
  /** What not to do or change. */
  avoid: string | null;
  sources: readonly string[];
}
