/**
 * The press vocabulary is written once (src/model/vocabulary.ts). A shipped migration is never
 * edited, so its SQL CHECK lists cannot be generated from it: they are checked against it here,
 * and a word added to the vocabulary without a migration that widens the CHECK fails this test.
 */
import { describe, expect, it } from 'vitest';
import { alarmMigrations } from '../../src/alarms/alarm-migrations.js';
import {
  alarmPriorities,
  downtimeCategories,
  downtimeCauseSources,
  downtimeStates,
  jobSources,
  jobStates,
  measuredSupplyKinds,
  qualities,
  runStates,
  stopReasons,
  supplyKinds,
  userRoles,
} from '../../src/model/vocabulary.js';
import { productionMigrations } from '../../src/production/production-migrations.js';
import { runStateSchema, stopReasonSchema, prioritySchema } from '../../src/model/profile-schema.js';
import { recordingMigrations } from '../../src/recording/recording-migrations.js';
import { suppliesMigrations } from '../../src/supplies/supply-migrations.js';
import { usersMigrations } from '../../src/users/user-migrations.js';
import type { Migration } from '../../src/store/migrate.js';

/** The values of `CHECK (column IN ('a', 'b', …))` in the migrations, for every occurrence of that column. */
function checkedValues(migrations: readonly Migration[], column: string): string[][] {
  const pattern = new RegExp(`\\b${column}\\s+TEXT[^,]*CHECK\\s*\\(\\s*${column}\\s+IN\\s*\\(([^)]*)\\)`, 'g');
  const lists: string[][] = [];
  for (const migration of migrations) {
    for (const match of migration.sql.matchAll(pattern)) lists.push(match[1]!.split(',').map((v) => v.trim().replace(/^'|'$/g, '')));
  }
  return lists;
}

describe('the press vocabulary', () => {
  it('is what the SQL CHECK constraints allow: priorities, roles, supply kinds', () => {
    expect(checkedValues(alarmMigrations, 'priority')).toEqual([[...alarmPriorities]]);
    expect(checkedValues(usersMigrations, 'role')).toEqual([[...userRoles]]);
    // supply_entries.kind takes every kind; the level-rise table only the measured ones
    expect(checkedValues(suppliesMigrations, 'kind')).toEqual([[...supplyKinds], [...measuredSupplyKinds]]);
  });

  it('is what the SQL CHECK constraints allow: job states and sources, downtime states, cause categories and sources', () => {
    expect(checkedValues(productionMigrations, 'state')).toEqual([[...jobStates], [...downtimeStates]]);
    expect(checkedValues(productionMigrations, 'source')).toEqual([[...jobSources]]);
    expect(checkedValues(productionMigrations, 'cause_category')).toEqual([[...downtimeCategories]]);
    expect(checkedValues(productionMigrations, 'cause_source')).toEqual([[...downtimeCauseSources]]);
  });

  it('is what the profile schema accepts', () => {
    expect(runStateSchema.options).toEqual([...runStates]);
    expect(stopReasonSchema.options).toEqual([...stopReasons]);
    expect(prioritySchema.options).toEqual([...alarmPriorities]);
  });

  it('stores qualities by their index, as the samples table and its CHECK document (0 good, 1 stale, 2 bad)', () => {
    const sql = recordingMigrations.map((m) => m.sql).join('\n');
    expect(sql).toContain(`CHECK (quality IN (${qualities.map((_, i) => i).join(', ')}))`);
    expect(sql).toContain(`-- ${qualities.map((q, i) => `${i} ${q}`).join(', ')}`);
  });
});
