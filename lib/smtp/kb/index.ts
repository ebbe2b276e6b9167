import type { KbRule } from './rule';
import { genericRules } from './generic';
import { googleRules } from './google';
import { microsoftRules } from './microsoft';
import { otherProviderRules } from './other-providers';
import { yahooRules } from './yahoo';

export type { KbMatcher, KbProvider, KbRule } from './rule';

/**
 * The knowledge base in priority order: the first rule that matches wins. Provider rules come
 * before generic ones, and within each file the most specific rule comes first.
 */
export const kbRules: readonly KbRule[] = [...microsoftRules, ...googleRules, ...yahooRules, ...otherProviderRules, ...genericRules];
