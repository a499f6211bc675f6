import { describe, expect, it } from 'vitest';
import { notificationsConfigSchema, unknownWebhookPresses, webhookConfigSchema } from '../../src/notifications/index.js';

describe('webhook configuration', () => {
  it('fills the defaults: raised and renotify, high and above, every press, 5 s timeout', () => {
    expect(webhookConfigSchema.parse({ id: 'pager', url: 'https://pager.example.com/hooks/pressroom' })).toEqual({
      id: 'pager',
      url: 'https://pager.example.com/hooks/pressroom',
      events: ['raised', 'renotify'],
      minPriority: 'high',
      timeoutMs: 5000,
    });
    expect(notificationsConfigSchema.parse({})).toEqual({ webhooks: [] });
  });

  it('refuses what would fail only at the first alarm: other schemes, unknown events, header clashes, short secrets, duplicates, unknown presses', () => {
    const issues = (input: unknown) => webhookConfigSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ id: 'a', url: 'ftp://files.example.com/x' })).toEqual(['url: an http:// or https:// URL']);
    expect(issues({ id: 'a', url: 'http://x.example', events: ['updated'] })?.[0]).toMatch(/^events\.0: /);
    expect(issues({ id: 'a', url: 'http://x.example', headers: { 'Content-Type': 'text/plain' } })?.[0]).toMatch(
      /^headers: these headers are set by Pressroom/,
    );
    expect(issues({ id: 'a', url: 'http://x.example', headers: { 'X-Token': 'a\r\nInjected: 1' } })?.[0]).toMatch(/no line breaks/);
    expect(issues({ id: 'a', url: 'http://x.example', secret: 'short' })).toEqual(['secret: at least 16 characters']);
    const duplicate = notificationsConfigSchema.safeParse({
      webhooks: [
        { id: 'a', url: 'http://x.example' },
        { id: 'a', url: 'http://y.example' },
      ],
    });
    expect(duplicate.error?.issues.map((i) => i.message)).toEqual(['duplicate webhook id "a"']);
    const config = notificationsConfigSchema.parse({ webhooks: [{ id: 'a', url: 'http://x.example', presses: ['sm-1', 'sm-9'] }] });
    expect(unknownWebhookPresses(config, new Set(['sm-1', 'sm-2']))).toEqual([
      { path: ['webhooks', 0, 'presses', 1], message: 'unknown press "sm-9"; known: sm-1, sm-2' },
    ]);
  });
});
