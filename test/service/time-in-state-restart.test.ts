/**
 * "Time in state" survives a restart of the service: a press found in the state it was last
 * stored in goes on from the stored transition's time, and no second transition is stored.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startService, type ServiceProcess } from '../helpers/service-process.js';
import { removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';

interface Press {
  online: boolean;
  state: string;
  stateSince: number;
}
interface Transition {
  at: number;
  state: string;
}

const config = writeTestConfig();
let service: ServiceProcess | undefined;
afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

async function get<T>(route: string): Promise<T> {
  const response = await fetch(`${service!.url}api/${route}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const inProduction = async () => {
  const press = await get<Press>('presses/press-1');
  return press.online && press.state === 'production' ? press : undefined;
};

describe('time in state across a restart', () => {
  it('continues from the stored transition when the press is found in the same state', async () => {
    service = await startService({ config });
    const before = await eventually(inProduction, { timeoutMs: 15_000, what: 'press-1 in production' });
    // stored (the append goes through the write queue)
    await eventually(
      async () => {
        const { transitions } = await get<{ transitions: Transition[] }>('presses/press-1/transitions?from=0');
        const last = transitions.at(-1);
        return last?.state === 'production' && last.at === before.stateSince ? true : undefined;
      },
      { what: 'the production transition stored' },
    );

    const { dataDir } = service;
    await service.stop();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a fresh start would say "for 0 s", later
    service = await startService({ config, dataDir });

    const after = await eventually(inProduction, { timeoutMs: 15_000, what: 'press-1 in production after the restart' });
    expect(after.stateSince).toBe(before.stateSince);
    const { transitions } = await get<{ transitions: Transition[] }>('presses/press-1/transitions?from=0');
    expect(transitions.filter((t) => t.state === 'production')).toEqual([expect.objectContaining({ at: before.stateSince })]);
  });
});
