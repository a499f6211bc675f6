import { describe, expect, it } from 'vitest';
import { auditCsv, csvCell } from '../../src/users/audit-csv.js';

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

describe('the audit export', () => {
  it('has a header and one CRLF-terminated record per entry, a multi-line cell kept in one record', () => {
    const csv = auditCsv([
      { id: 1, at: Date.UTC(2026, 0, 2, 3, 4, 5), userId: 7, username: 'jo', action: 'supply.log', target: 'note\r\nwith break', ip: '::1', details: { a: 1 } },
    ]);
    expect(csv).toBe('id,at,user_id,username,action,target,ip,details\r\n1,2026-01-02T03:04:05.000Z,7,jo,supply.log,"note\r\nwith break",::1,"{""a"":1}"\r\n');
  });
});
