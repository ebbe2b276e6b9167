/**
 * A small RFC 4180 CSV line tokenizer. Input is read line by line, so a quoted field that
 * spans lines (RFC 4180 allows CRLF inside quotes) cannot be joined here and is reported
 * as an unterminated quote instead.
 */

export type CsvLineResult = { ok: true; fields: string[] } | { ok: false; reason: string };

/** Split one CSV line into fields; `""` inside a quoted field is one quote. Never throws. */
export function splitCsvLine(line: string): CsvLineResult {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let atFieldStart = true;
  while (i <= line.length) {
    if (i === line.length) {
      fields.push(field);
      break;
    }
    const ch = line[i];
    if (atFieldStart && ch === '"') {
      const closed = readQuoted(line, i + 1);
      if (!closed.ok) return closed;
      field = closed.value;
      i = closed.next;
      atFieldStart = false;
      if (i < line.length && line[i] !== ',') {
        return { ok: false, reason: `unexpected character after a closing quote at column ${i + 1}` };
      }
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (ch === '"') {
      return { ok: false, reason: `stray quote inside an unquoted field at column ${i + 1}` };
    } else {
      field += ch;
      atFieldStart = false;
    }
    i += 1;
  }
  return { ok: true, fields };
}

function readQuoted(line: string, start: number): { ok: true; value: string; next: number } | { ok: false; reason: string } {
  let value = '';
  let i = start;
  while (i < line.length) {
    const ch = line[i];
    if (ch === '"') {
      if (line[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      return { ok: true, value, next: i + 1 };
    }
    value += ch;
    i += 1;
  }
  return {
    ok: false,
    reason: `unterminated quoted field starting at column ${start} (quoted fields spanning lines are not supported)`,
  };
}
