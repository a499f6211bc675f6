/**
 * Every REST route the service serves (src/app.ts and the routers it mounts), with the query
 * parameters it reads and, for writes, a body it would accept: the starting point that the
 * fuzz test breaks one piece at a time. `{press}`, `{alarm}`, `{supply}` and `{user}` are
 * replaced by real ids found at the start of the run.
 */
export interface ReadRoute {
  path: string;
  query: readonly string[];
  /** Needs a session even with anonymous read on. */
  admin?: boolean;
}

export interface WriteRoute {
  method: 'POST' | 'PATCH';
  path: string;
  /** A body the route accepts; `{n}` in strings is replaced by the request number. */
  body: Record<string, unknown>;
  /** Anonymous only: sending it with the admin cookie would end the fuzz session. */
  anonymousOnly?: boolean;
}

export const READ_ROUTES: readonly ReadRoute[] = [
  { path: '/api/health', query: [] },
  { path: '/api/openapi.json', query: [] },
  { path: '/api/docs', query: [] },
  { path: '/api/presses', query: [] },
  { path: '/api/presses/{press}', query: [] },
  { path: '/api/presses/{press}/history', query: ['signal', 'from', 'to', 'maxPoints'] },
  { path: '/api/presses/{press}/transitions', query: ['from', 'to'] },
  { path: '/api/alarms', query: ['active', 'unacknowledged', 'all', 'press', 'pressId', 'priority', 'from', 'to', 'limit'] },
  { path: '/api/alarms/journal', query: ['press', 'pressId', 'alarmId', 'from', 'to', 'limit'] },
  { path: '/api/alarms/chatter', query: ['press', 'pressId', 'limit'] },
  { path: '/api/alarms.csv', query: ['press', 'pressId', 'alarmId', 'from', 'to', 'limit', 'all', 'active', 'unacknowledged', 'priority'] },
  { path: '/api/supplies', query: ['pressId', 'kind', 'from', 'to', 'includeVoided', 'limit', 'cursor'] },
  { path: '/api/supplies.csv', query: ['pressId', 'kind', 'from', 'to', 'includeVoided'] },
  { path: '/api/supplies/suggestions', query: [] },
  { path: '/api/supplies/consumption', query: ['pressId', 'from', 'to'] },
  { path: '/api/supplies/consumption.csv', query: ['pressId', 'from', 'to'] },
  { path: '/api/supplies/{supply}', query: [] },
  { path: '/api/jobs', query: ['pressId', 'state', 'from', 'to'] },
  { path: '/api/jobs/FZ-1', query: [] },
  { path: '/api/downtime', query: ['pressId', 'from', 'to', 'uncoded'] },
  { path: '/api/downtime/reasons', query: [] },
  { path: '/api/reports/oee', query: ['pressId', 'from', 'to', 'groupBy'] },
  { path: '/api/reports/oee.csv', query: ['pressId', 'from', 'to', 'groupBy'] },
  { path: '/api/reports/downtime', query: ['pressId', 'from', 'to'] },
  { path: '/api/reports/downtime.csv', query: ['pressId', 'from', 'to'] },
  { path: '/api/reports/timeline', query: ['pressId', 'from', 'to'] },
  { path: '/api/reports/timeline.csv', query: ['pressId', 'from', 'to'] },
  { path: '/api/jobs/FZ-1/supplies.csv', query: [] },
  { path: '/api/auth/me', query: [] },
  { path: '/api/users', query: [], admin: true },
  { path: '/api/users/{user}', query: [], admin: true },
  { path: '/api/audit', query: ['from', 'to', 'user', 'action', 'limit'], admin: true },
  { path: '/api/audit.csv', query: ['from', 'to', 'user', 'action', 'limit'], admin: true },
];

export const WRITE_ROUTES: readonly WriteRoute[] = [
  {
    method: 'POST',
    path: '/api/supplies',
    body: {
      clientId: 'fuzz-entry-{n}',
      kind: 'ink',
      pressId: '{press}',
      unit: 1,
      color: 'cyan',
      product: 'Process Cyan',
      lot: 'L-42',
      quantity: 2.5,
      uom: 'kg',
      note: 'fuzz',
    },
  },
  {
    method: 'POST',
    path: '/api/supplies/{supply}/void',
    body: { reason: 'logged on the wrong press', replacement: { clientId: 'fuzz-repl-{n}', kind: 'paper', pressId: '{press}', quantity: 500, uom: 'sheets' } },
  },
  { method: 'POST', path: '/api/alarms/{alarm}/ack', body: { note: 'checked the feeder' } },
  { method: 'POST', path: '/api/alarms/{alarm}/shelve', body: { minutes: 5, reason: 'sensor being replaced' } },
  { method: 'POST', path: '/api/alarms/{alarm}/unshelve', body: { note: 'sensor back' } },
  {
    method: 'POST',
    path: '/api/jobs',
    body: { jobId: 'FZ-{n}', pressId: '{press}', name: 'Fuzz job', customer: 'Fuzz Ltd', plannedGood: 1000, plannedMakeReadyMinutes: 20 },
  },
  { method: 'POST', path: '/api/auth/login', body: { username: 'fuzz-nobody', password: 'not-the-password' } },
  { method: 'POST', path: '/api/auth/logout', body: {}, anonymousOnly: true },
  { method: 'POST', path: '/api/users', body: { username: 'fuzz-new-{n}', displayName: 'Fuzz', role: 'viewer', password: 'long-enough-pw', pin: '471100' } },
  { method: 'PATCH', path: '/api/users/{user}', body: { displayName: 'Fuzz Victim', pin: '123456' } },
  { method: 'POST', path: '/api/simulation/presses/{press}/events', body: { action: 'refill-paper', level: 90 } },
];

/** Path parameters nobody should send: bad percent-encoding, NUL, emoji, traversal, huge, prototype names. */
export const ODD_IDS: readonly string[] = [
  '%ff',
  '%E0%A4%A',
  '%C0%AE',
  '%',
  '%%',
  '%u0041',
  '%00',
  'a%00b',
  '%0A%0D',
  encodeURIComponent('💥🖨️'),
  '%E2%80%AE%ED%A0%BD',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '-1',
  '0',
  '1e3',
  '99999999999999999999',
  '1.5',
  'null',
  'undefined',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '%20',
  'x'.repeat(4000),
  `${'%41'.repeat(1500)}`,
];

/** Query values of the wrong kind for any parameter, already percent-encoded where needed. */
export const ODD_QUERY_VALUES: readonly string[] = [
  '',
  'x',
  '-1',
  '0',
  '1e999',
  '99999999999999999999',
  'NaN',
  'Infinity',
  'true',
  'null',
  '%ff',
  '%00',
  encodeURIComponent('💥'),
  '2024-13-45',
  '2024-02-30T25:61:00Z',
  '%5Bobject%20Object%5D',
  'a'.repeat(3000),
  '1,2,3',
  'critical,',
  ',high',
  '%E0%A4%A',
];

export const MALFORMED_JSON: readonly string[] = [
  '{',
  '{"a":}',
  "{'a':1}",
  '[1,]',
  '{"a":1}}',
  'NaN',
  '{"a":1,}',
  '{"a":/* c */1}',
  '\u0000',
  '{"a":"\\uZZZZ"}',
  '{"a":01}',
  'undefined',
];
