import { defineConfig } from 'vitest/config';
import { DATABASE_RESTART_SUITES } from './vitest.config.js';

/**
 * `npm run test:db-restart`: the suites that restart the local PostgreSQL
 * server (pg_ctlcluster), run alone and one file at a time, after `npm test`.
 * They need a reachable PostgreSQL and the right to restart it; CI
 * (.ci/run) requires them to have run.
 */
export default defineConfig({
  test: {
    name: 'db-restart',
    include: DATABASE_RESTART_SUITES,
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    env: { SCIMITAR_TEST_DATABASE_URL: process.env['SCIMITAR_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test', SCIMITAR_TEST_POSTGRES: '1' },
  },
});
