import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { corpusPath, readCorpus } from './corpus';

test('the shared corpus is reachable from the repository', () => {
  expect(existsSync(corpusPath('SOURCES.md'))).toBe(true);
  expect(readCorpus('postfix/github-issues/Mailu-Mailu-3013.log')).toContain('4.7.651');
});
