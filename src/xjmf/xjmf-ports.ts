/**
 * What the XJMF feature needs from the rest of Pressroom, as small ports the composition root
 * fills (src/app.ts): the presses' live snapshots, who each press is, the production feature's
 * job queue, and the audit log. It imports no other feature.
 */
import type { AuditLog } from '../model/audit.js';
import type { AlarmView } from '../model/alarm-view.js';
import type { PressSnapshot } from '../model/press-snapshot.js';
import type { SupplyEntry } from '../model/supply.js';
import type { XjmfDevice, XjmfJob } from './xjmf-elements.js';

export interface XjmfPressPort {
  list(): PressSnapshot[];
  get(pressId: string): PressSnapshot | undefined;
}

/** Who submits a job or stops a channel: the token's name, for the audit log. */
export interface XjmfRequester {
  tokenName: string;
  ip: string | null;
}

export interface XjmfJobInput {
  jobId: string;
  pressId?: string | undefined;
  name?: string | undefined;
  customer?: string | undefined;
  plannedGood?: number | undefined;
}

/** The production feature's job queue (POST /api/jobs semantics: idempotent by jobId + press). */
export interface XjmfJobPort {
  list(query: { pressId?: string | undefined }): XjmfJob[];
  /** Throws an error with a readable message (and an HTTP-like status) when refused. */
  submit(input: XjmfJobInput, by: XjmfRequester): { job: XjmfJob; created: boolean };
}

export interface XjmfPorts {
  presses: XjmfPressPort;
  devices: readonly XjmfDevice[];
  jobs: XjmfJobPort;
  audit: AuditLog;
}

/** Events the feature turns into signals. */
export interface XjmfEventSources {
  onPressUpdate(listener: (snapshot: PressSnapshot) => void): () => void;
  /** A run-state change as the presses find it, before the throttled `press:update` that carries it. */
  onStateTransition(listener: (transition: { pressId: string }) => void): () => void;
  onJobChanged(listener: (job: XjmfJob) => void): () => void;
  onAlarm(listener: (event: { type: string; at: number; alarm: AlarmView }) => void): () => void;
  onSupplyLogged(listener: (entry: SupplyEntry) => void): () => void;
}
