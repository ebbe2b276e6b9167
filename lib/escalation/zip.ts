import { zipSync, type Zippable } from 'fflate';
import type { PackageFile } from './model';

/**
 * The modification time of every entry. ZIP stores local DOS time and fflate reads the Date's local fields, so the
 * time is built from local fields: 1980-01-01 00:00 (the DOS epoch) in every time zone, and the bytes do not depend on when or where.
 */
export const ZIP_ENTRY_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** The files as one ZIP archive, entries sorted by name with fixed times: the same files always give the same bytes. */
export function zipFiles(files: PackageFile[]): Uint8Array<ArrayBuffer> {
  const entries: Zippable = {};
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) entries[f.name] = [f.bytes, { mtime: ZIP_ENTRY_TIME, level: 6 }];
  return zipSync(entries);
}
