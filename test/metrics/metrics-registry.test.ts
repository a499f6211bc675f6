/**
 * The metrics feature in-process: features' descriptions become one registry (same-name
 * families merge, a clash is refused at start), histograms are fed as things happen and stop
 * when the module stops, and the scrape guard answers anonymous, token and closed configs.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { outboxDepth, type FeatureMetric } from '../../src/http/feature-metrics.js';
import { errorMiddleware } from '../../src/http/http-error.js';
import { createMetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { metricsRoutes } from '../../src/metrics/metrics-routes.js';
import type { MetricsConfig } from '../../src/metrics/metrics-config.js';
import { parseScrape } from './prometheus-text.js';

describe('the registry', () => {
  it('merges the outbox depths of several features into one family, read at scrape time', async () => {
    let webhookDepth = 3;
    const registry = createMetricsRegistry({ metrics: [outboxDepth('webhook', () => webhookDepth), outboxDepth('xjmf', () => 7)] });
    let scrape = parseScrape(await registry.scrape());
    expect(scrape.value('pressroom_outbox_depth', { outbox: 'webhook' })).toBe(3);
    expect(scrape.value('pressroom_outbox_depth', { outbox: 'xjmf' })).toBe(7);
    webhookDepth = 0;
    scrape = parseScrape(await registry.scrape());
    expect(scrape.value('pressroom_outbox_depth', { outbox: 'webhook' })).toBe(0);
    registry.stop();
  });

  it('refuses one name described twice with different labels', () => {
    const a: FeatureMetric = { kind: 'gauge', name: 'pressroom_x', help: 'x', labelNames: ['bus'], read: () => [] };
    const b: FeatureMetric = { kind: 'gauge', name: 'pressroom_x', help: 'x', labelNames: ['press'], read: () => [] };
    expect(() => createMetricsRegistry({ metrics: [a, b] })).toThrow(/pressroom_x is described twice/);
  });

  it('reports a counter as read, and feeds a histogram until stopped', async () => {
    let feed: ((value: number, labels?: Record<string, string>) => void) | undefined;
    const registry = createMetricsRegistry({
      metrics: [
        { kind: 'counter', name: 'pressroom_things_total', help: 't', labelNames: ['bus'], read: () => [{ labels: { bus: 'a' }, value: 41 }] },
        {
          kind: 'histogram',
          name: 'pressroom_wait_seconds',
          help: 'w',
          labelNames: ['bus'],
          buckets: [0.01, 0.1],
          watch: (observe) => {
            feed = observe;
            return () => (feed = undefined);
          },
        },
      ],
    });
    feed!(0.05, { bus: 'a' });
    feed!(0.5, { bus: 'a' });
    const scrape = parseScrape(await registry.scrape());
    expect(scrape.value('pressroom_things_total', { bus: 'a' })).toBe(41);
    expect(scrape.value('pressroom_wait_seconds_bucket', { bus: 'a', le: '0.1' })).toBe(1);
    expect(scrape.value('pressroom_wait_seconds_count', { bus: 'a' })).toBe(2);
    expect(scrape.names).toContain('process_cpu_seconds_total');
    registry.stop();
    expect(feed).toBeUndefined();
  });
});

describe('who may scrape', () => {
  const servers: { close(): void }[] = [];
  afterEach(() => servers.splice(0).forEach((server) => server.close()));

  async function serve(config: MetricsConfig): Promise<string> {
    const app = express();
    app.use(metricsRoutes({ registry: createMetricsRegistry({ metrics: [] }), config }));
    app.use(errorMiddleware(pino({ level: 'silent' })));
    const server = createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  }

  it('answers anyone with metrics.anonymous', async () => {
    expect((await fetch(await serve({ anonymous: true }))).status).toBe(200);
  });

  it('is closed (403) with neither a token nor anonymous, whatever is sent', async () => {
    const url = await serve({ anonymous: false });
    const res = await fetch(url, { headers: { authorization: 'Bearer anything-at-all-123' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('metrics_closed');
  });

  it('takes only the exact token', async () => {
    const url = await serve({ anonymous: false, token: 'the-scrape-token-0123' });
    expect((await fetch(url, { headers: { authorization: 'Bearer the-scrape-token-0123' } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: 'Bearer the-scrape-token-012' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'bearer the-scrape-token-0123 ' } })).status).toBe(401);
  });
});
