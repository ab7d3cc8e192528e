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

/** A whole document: the BOM and the header row, then one row per record. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  let out = CSV_BOM + csvRow(header);
  for (const row of rows) out += csvRow(row);
  return out;
}

/**
 * The inverse (RFC 4180), for tests and tools: quoted fields may hold commas, quotes and line breaks.
 * It does not undo the formula prefix; it skips a leading BOM.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.startsWith(CSV_BOM) ? 1 : 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i += 1;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
      continue;
    } else field += c;
    i += 1;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
