// CSV as RFC 4180 says (comma separated, CRLF line ends, fields quoted when they hold a comma, a quote,
// CR or LF, quotes doubled) — plus formula-injection protection: a text cell starting with `=`, `+`,
// `-`, `@`, tab or CR, or the full-width `＝ ＋ － ＠` (which spreadsheets may read as the same), gets a
// leading `'`, so a spreadsheet shows it as text instead of running it (OWASP "CSV injection"). Numbers
// are written as numbers, dates as ISO 8601, null as an empty field. A document starts with a UTF-8 BOM
// (CSV_BOM): without it Excel reads the file as a legacy code page and shows "ZoÃ«" for "Zoë".

export type CsvValue = string | number | boolean | Date | null | undefined;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** Before the header row: tells spreadsheets the file is UTF-8. */
export const CSV_BOM = '\ufeff';

const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, neutralised and quoted as needed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = value instanceof Date ? value.toISOString() : value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, with its CRLF line end. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
