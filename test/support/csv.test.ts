import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('parses an empty last field and a document without a final CRLF', () => {
    expect(parseCsv('a,b,\r\n1,2,3')).toEqual([
      ['a', 'b', ''],
      ['1', '2', '3'],
    ]);
  });
});
