/**
 * Plain text in Markdown on one line: the ASCII punctuation that Markdown or inline HTML could act on
 * is backslash-escaped (CommonMark §2.4), so reply text or a note containing `<script>` stays text.
 */
export function mdText(value: string): string {
  const escaped = value.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]<>#!|&~]/g, (c) => `\\${c}`);
  // A leading "- ", "+ " or "1. " would start a list, a line of "=" a heading underline.
  return escaped.replace(/^([-+=])(?=\s|=*$)/, '\\$1').replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2');
}

/** A fenced code block around verbatim text; the fence is longer than any backtick run inside (CommonMark §4.5). */
export function mdFence(value: string): string {
  const longest = Math.max(2, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${value}\n${fence}`;
}

/** Text for XML/SVG content and attribute values. */
export function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** JSON with object keys sorted at every level, two-space indented: the same data always gives the same bytes. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
