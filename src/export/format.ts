import type { ExportColumn, ExportRow } from './calls.js';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * RFC 4180: records end in CRLF; a field is quoted when it holds a comma, a quote, CR or LF, and
 * a quote inside is doubled. Beyond that, every text value is quoted (RFC 4180 allows quoting any
 * field) and numbers are not: a null is an empty unquoted field and an empty string `""`, so the
 * two stay apart, and phone numbers such as +15551230000 are quoted text rather than numbers (see
 * the README for what spreadsheets do with them).
 */
const csvText = (value: string) => `"${value.replaceAll('"', '""')}"`;

function csvField(value: string | number | null, column: ExportColumn): string {
  if (value === null) return '';
  if (column.kind === 'number') return String(value);
  return csvText(String(value));
}

/** NDJSON: one object per call, keys in column order; JSON columns are embedded as JSON. */
function ndjsonField(value: string | number | null, column: ExportColumn): string {
  if (value === null) return 'null';
  if (column.kind === 'json') return String(value);
  // 64-bit ids and decimals stay strings: a JSON number would lose digits in most readers.
  if (column.kind === 'number' && typeof value === 'number') return String(value);
  return JSON.stringify(String(value));
}

export interface Formatter {
  header: string;
  rows(rows: readonly ExportRow[]): string;
}

export function formatter(format: ExportFormat, columns: readonly ExportColumn[]): Formatter {
  if (format === 'csv') {
    return {
      header: `${columns.map((column) => column.name).join(',')}\r\n`,
      rows: (rows) => rows.map((row) => `${columns.map((column) => csvField(row[column.name] ?? null, column)).join(',')}\r\n`).join(''),
    };
  }
  const keys = columns.map((column) => `${JSON.stringify(column.name)}:`);
  return {
    header: '',
    rows: (rows) => rows.map((row) => `{${columns.map((column, i) => keys[i] + ndjsonField(row[column.name] ?? null, column)).join(',')}}\n`).join(''),
  };
}
