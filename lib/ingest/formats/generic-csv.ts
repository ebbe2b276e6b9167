import type { LineFormat, LineParser, ParseContext, ParseOutput } from '../types';
import { splitCsvLine } from './csv';
import { genericFieldName, numericGenericFields, parseGenericFields } from './generic-ndjson';

type Column = NonNullable<ReturnType<typeof genericFieldName>>;

const requiredColumns = ['occurredAt', 'outcome'] as const;

/** A header names both required columns; a data row cannot, since `outcome` never holds the word "outcome". */
function headerColumns(fields: string[]): (Column | null)[] | null {
  const columns = fields.map((f) => genericFieldName(f.trim()));
  return requiredColumns.every((c) => columns.includes(c)) ? columns : null;
}

function toValue(column: Column, cell: string): unknown {
  const value = cell.trim();
  if (value === '') return null;
  return numericGenericFields.has(column) && /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : value;
}

function createGenericCsvParser(ctx: ParseContext): LineParser {
  let header: (Column | null)[] | null = null;
  let isFirstLine = true;

  return {
    push(text: string, line: number): ParseOutput[] {
      const content = isFirstLine ? text.replace(/^\uFEFF/, '') : text;
      if (content.trim() === '') return [];
      const wasFirstLine = isFirstLine;
      isFirstLine = false;
      const split = splitCsvLine(content);
      if (!split.ok) return [{ kind: 'reject', line, reason: split.reason }];
      const columns = headerColumns(split.fields);
      // A header may come again mid-file when exports are concatenated; it replaces the previous one.
      if (columns) {
        header = columns;
        return [];
      }
      if (wasFirstLine) {
        return [{ kind: 'reject', line, reason: `header: the first line must name the columns, including ${requiredColumns.join(' and ')}` }];
      }
      if (header === null) {
        return [{ kind: 'reject', line, reason: `no header line naming ${requiredColumns.join(' and ')} before this row` }];
      }
      if (split.fields.length !== header.length) {
        return [{ kind: 'reject', line, reason: `expected ${header.length} fields as in the header, found ${split.fields.length}` }];
      }
      const fields: Partial<Record<Column, unknown>> = {};
      header.forEach((column, i) => {
        if (column !== null && !(column in fields)) fields[column] = toValue(column, split.fields[i] ?? '');
      });
      return [parseGenericFields(fields, line, ctx)];
    },
    end(): ParseOutput[] {
      return [];
    },
  };
}

/** CSV with a header line naming normalized event columns (camelCase or snake_case, any case), one event per row. */
export const csvFormat: LineFormat = {
  kind: 'lines',
  name: 'csv',
  createParser: createGenericCsvParser,
};
