#!/usr/bin/env node
// The SQL differential corpus (tests/sql/*.test, 300+ queries) against silt and, live, against
// DuckDB: the sample CSV as Delta tables, 1,000,000 generated rows and the golden tables. Fails
// when any query's answer differs from the oracle's (or Spark's, where the entry says so).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = process.env.SILT_ROOT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const r = spawnSync('node', [path.join(root, 'tests/sql/run.mjs')], { stdio: 'inherit', env: process.env });
process.exit(r.status === null ? 1 : r.status);
