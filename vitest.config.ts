import { defineConfig } from 'vitest/config';

/**
 * Three tiers, named by file suffix (see ../shared/STYLE.md):
 *   unit — pure logic, no servers;
 *   int  — real Kafka, schema registry and ClickHouse, brought up by tests/support/global-setup.ts;
 *   e2e  — the running system through its public interfaces;
 *   fault — faults injected into real processes (brokers, registry, services) on the tier's own
 *           three-broker cluster and registry, under its own home and ports (tests/fault/support/).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.unit.test.ts'],
          exclude: ['node_modules/**', '.tsunagi/**'],
        },
      },
      {
        test: {
          name: 'int',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', '.tsunagi/**'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude: ['node_modules/**', '.tsunagi/**'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'fault',
          include: ['tests/fault/**/*.fault.test.ts'],
          exclude: ['node_modules/**', '.tsunagi/**'],
          globalSetup: ['tests/fault/support/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
