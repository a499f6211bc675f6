import { describe, expect, it } from 'vitest';
import { csvDocument, csvLine, type CsvCell } from '../../src/lib/csv.js';

/** One cell as written inside a record. */
const csvCell = (cell: CsvCell) => csvLine([cell]).slice(0, -2);

describe('CSV cells', () => {
  it('are left bare when plain', () => {
    expect(csvCell('auth.login')).toBe('auth.login');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
  });

  it('are quoted, with quotes doubled, when they hold a comma, quote or line break', () => {
    expect(csvCell('cyan, 2 kg')).toBe('"cyan, 2 kg"');
    expect(csvCell('the "good" lot')).toBe('"the ""good"" lot"');
    expect(csvCell('line one\r\nline two')).toBe('"line one\r\nline two"');
    expect(csvCell('bare\nLF')).toBe('"bare\nLF"');
  });

  it('starting with = + - @ tab or CR get an apostrophe so a spreadsheet shows text, not a formula', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    // numbers are numbers, and a formula character later in the cell is harmless
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('CSV records', () => {
  it('end in CRLF, the header first', () => {
    expect(
      csvDocument(
        ['a', 'b'],
        [
          ['x', 1],
          [null, 'y,z'],
        ],
      ),
    ).toBe('a,b\r\nx,1\r\n,"y,z"\r\n');
  });

  it('write a number that is not finite as an empty cell', () => {
    expect(csvLine([Number.NaN, Number.POSITIVE_INFINITY, 0])).toBe(',,0\r\n');
  });
});
