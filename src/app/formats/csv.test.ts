import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../test/support/csv.js';
import { CSV_BOM, csvCell, csvRow } from './csv.js';

describe('csvCell', () => {
  it('leaves plain text as it is', () => {
    expect(csvCell('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvCell('')).toBe('');
  });

  it('quotes fields holding a comma, a quote, CR or LF, doubling quotes', () => {
    expect(csvCell('Riverside, Park')).toBe('"Riverside, Park"');
    expect(csvCell('Ada "Countess" Lovelace')).toBe('"Ada ""Countess"" Lovelace"');
    expect(csvCell('12 Analytical Row\nLondon')).toBe('"12 Analytical Row\nLondon"');
    expect(csvCell('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(csvCell('"')).toBe('""""');
  });

  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+31 6 1234', "'+31 6 1234"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tindent', "'\tindent"],
    // Full-width forms, which spreadsheets may treat as the ASCII ones.
    ['\uff1dSUM(A1:A9)', "'\uff1dSUM(A1:A9)"],
    ['\uff0b31 6 1234', "'\uff0b31 6 1234"],
    ['\uff0d2\uff0b3', "'\uff0d2\uff0b3"],
    ['\uff20cmd', "'\uff20cmd"],
  ])('neutralises a formula: %j → %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('neutralises and quotes a formula that also needs quoting', () => {
    expect(csvCell('=HYPERLINK("http://x.example","click")')).toBe(`"'=HYPERLINK(""http://x.example"",""click"")"`);
    expect(csvCell('\rsplit')).toBe(`"'\rsplit"`);
  });

  it('does not touch a formula character that is not first', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('a\uff1db')).toBe('a\uff1db');
    expect(csvCell('Jean-Luc')).toBe('Jean-Luc');
  });

  it('writes numbers, booleans, dates and null', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(new Date('2027-04-18T08:30:00.000Z'))).toBe('2027-04-18T08:30:00.000Z');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('csv documents', () => {
  it('ends every record with CRLF', () => {
    expect(csvRow(['a', 'b,c', null])).toBe('a,"b,c",\r\n');
  });

  it('the BOM is the three bytes that tell spreadsheets the file is UTF-8; a reader skips it', () => {
    expect([...new TextEncoder().encode(CSV_BOM)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parseCsv(`${CSV_BOM}${csvRow(['id', 'first_name'])}${csvRow(['1', 'Zoë'])}`)).toEqual([
      ['id', 'first_name'],
      ['1', 'Zoë'],
    ]);
  });

  it('round-trips commas, quotes and line breaks through a parser', () => {
    const rows = [
      ['Lovelace, Ada', 'say "hi"', 'two\nlines'],
      ['', 'plain', 'with\r\ncrlf'],
    ];
    const parsed = parseCsv([['a', 'b', 'c'], ...rows].map(csvRow).join(''));
    expect(parsed).toEqual([['a', 'b', 'c'], ...rows]);
  });
});
