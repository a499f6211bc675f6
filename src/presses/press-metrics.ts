/**
 * What the presses tell GET /metrics: per bus, the Modbus traffic the bus counts anyway
 * (requests, timeouts, errors by kind) and the latency of each answered request; per press,
 * the scan cycles missed; and how many presses are online and in each run state. Read when
 * Prometheus scrapes, from the buses' counters and the live snapshots: nothing is added to the
 * polling path except one cheap histogram observation per answered request.
 */
import type { ModbusBus } from '../../drivers/master/modbus-bus.js';
import type { FeatureMetric, MetricSample } from '../http/feature-metrics.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import { runStates } from '../model/vocabulary.js';

/** Modbus request latency buckets, seconds: 1 ms (TCP on a LAN) to 2.5 s (a slow RTU line timing out). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function pressMetrics(options: { buses: readonly ModbusBus[]; snapshots: () => PressSnapshot[] }): FeatureMetric[] {
  const { buses, snapshots } = options;
  const perBus = (value: (bus: ModbusBus) => number) => () => buses.map((bus) => ({ labels: { bus: bus.id }, value: value(bus) }));
  return [
    {
      kind: 'counter',
      name: 'pressroom_modbus_requests_total',
      help: 'Modbus transactions sent on the bus, each retry counted',
      labelNames: ['bus'],
      read: perBus((bus) => bus.stats().transactions),
    },
    {
      kind: 'counter',
      name: 'pressroom_modbus_timeouts_total',
      help: 'Modbus attempts that got no answer within the timeout',
      labelNames: ['bus'],
      read: perBus((bus) => bus.stats().errors.timeout),
    },
    {
      kind: 'counter',
      name: 'pressroom_modbus_errors_total',
      help: 'Failed Modbus attempts by kind (timeout, offline, exception, crc, protocol, overload)',
      labelNames: ['bus', 'kind'],
      read: () => buses.flatMap((bus) => Object.entries(bus.stats().errors).map(([kind, value]) => ({ labels: { bus: bus.id, kind }, value }))),
    },
    {
      kind: 'gauge',
      name: 'pressroom_modbus_bus_connected',
      help: '1 while the bus link (TCP connection or serial port) is up',
      labelNames: ['bus'],
      read: perBus((bus) => (bus.connected ? 1 : 0)),
    },
    {
      kind: 'histogram',
      name: 'pressroom_modbus_request_duration_seconds',
      help: 'Request-to-reply time of answered Modbus attempts',
      labelNames: ['bus'],
      buckets: LATENCY_BUCKETS,
      watch: (observe) => {
        const offs = buses.map((bus) => {
          const labels = { bus: bus.id };
          return bus.on('answered', (latencyMs) => observe(latencyMs / 1000, labels));
        });
        return () => offs.forEach((off) => off());
      },
    },
    {
      kind: 'counter',
      name: 'pressroom_scan_overruns_total',
      help: 'Scan cycles skipped because the previous cycle of the class was still running (the bus carries less than asked)',
      labelNames: ['bus', 'press', 'scan_class'],
      read: () =>
        snapshots().flatMap((press) =>
          Object.entries(press.comm.overruns).map(([scanClass, value]) => ({ labels: { bus: press.link.bus, press: press.id, scan_class: scanClass }, value })),
        ),
    },
    {
      kind: 'gauge',
      name: 'pressroom_presses',
      help: 'Presses configured',
      read: () => [{ value: snapshots().length }],
    },
    {
      kind: 'gauge',
      name: 'pressroom_presses_online',
      help: 'Presses answering on their bus',
      read: () => [{ value: snapshots().filter((press) => press.online).length }],
    },
    {
      kind: 'gauge',
      name: 'pressroom_presses_in_state',
      help: 'Presses in each run state (production, setup, idle, stopped, cleanup, offline)',
      labelNames: ['state'],
      read: () => {
        const counts = new Map<string, number>(runStates.map((state) => [state, 0]));
        for (const press of snapshots()) counts.set(press.state, (counts.get(press.state) ?? 0) + 1);
        return [...counts].map(([state, value]): MetricSample => ({ labels: { state }, value }));
      },
    },
  ];
}
