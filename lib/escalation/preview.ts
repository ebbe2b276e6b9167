import type { PackageFile } from './model';

/** Lines shown per file in the preview. */
export const PREVIEW_LINES = 15;

export interface FilePreview {
  name: string;
  contentType: string;
  bytes: number;
  /** the first lines of a text file as plain text; null for binary files (the PDF) */
  firstLines: string[] | null;
  totalLines: number | null;
}

const isText = (contentType: string) => /^text\/|^application\/json|^image\/svg\+xml/.test(contentType);

/** The first PREVIEW_LINES lines of each text file (plain strings: the UI renders them as text, never as HTML). */
export function previewFiles(files: PackageFile[], maxLines = PREVIEW_LINES): FilePreview[] {
  return files.map((f) => {
    if (!isText(f.contentType)) return { name: f.name, contentType: f.contentType, bytes: f.bytes.length, firstLines: null, totalLines: null };
    const lines = new TextDecoder().decode(f.bytes).replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
    return { name: f.name, contentType: f.contentType, bytes: f.bytes.length, firstLines: lines.slice(0, maxLines), totalLines: lines.length };
  });
}
