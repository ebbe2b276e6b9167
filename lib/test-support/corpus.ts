import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The shared corpus of real public samples lives beside the repository (../shared/corpus),
 * on developers' machines and in CI alike; files under copyleft licences are read from there,
 * never copied into the repository.
 */
export const corpusDir = process.env.CORPUS_DIR ?? path.resolve(process.cwd(), '../shared/corpus');

/** Absolute path of a corpus file, e.g. corpusPath('postfix/github-issues/Mailu-Mailu-3013.log'). */
export function corpusPath(relative: string): string {
  return path.join(corpusDir, relative);
}

/** A corpus file as UTF-8 text. */
export function readCorpus(relative: string): string {
  return readFileSync(corpusPath(relative), 'utf8');
}

/** A corpus file as bytes. */
export function readCorpusBytes(relative: string): Buffer {
  return readFileSync(corpusPath(relative));
}
