import { describe, expect, it } from 'vitest';
import { auditCsv } from '../../src/users/audit-csv.js';

describe('the audit export', () => {
  it('has a header and one CRLF-terminated record per entry, a multi-line cell kept in one record', () => {
    const csv = auditCsv([
      { id: 1, at: Date.UTC(2026, 0, 2, 3, 4, 5), userId: 7, username: 'jo', action: 'supply.log', target: 'note\r\nwith break', ip: '::1', details: { a: 1 } },
    ]);
    expect(csv).toBe('id,at,user_id,username,action,target,ip,details\r\n1,2026-01-02T03:04:05.000Z,7,jo,supply.log,"note\r\nwith break",::1,"{""a"":1}"\r\n');
  });
});
