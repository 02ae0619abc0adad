#!/usr/bin/env node
// The SQL corpus's tables (tests/tools/sql-data.mjs, written without silt) are valid Delta
// tables for the rest of silt: `silt table describe --files` lists the files, sizes, row counts
// and partition values the log holds; `silt parquet cat` reads every data file as DuckDB does;
// statistics let the Delta scan skip files (a TransactionNo keeps 3 of the 8 generated files,
// a Country partition kept alone) without dropping a file that holds a match.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { render } from '../oracle/canonical.mjs';
import { buildSqlData } from '../tools/sql-data.mjs';

const root = process.env.SILT_ROOT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const silt = process.env.SILT || path.join(root, 'build/silt');
const fixtures = process.env.SILT_FIXTURES || path.join(root, '../shared/fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'silt-sqldata-'));
process.on('exit', () => { if (!process.env.SILT_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true }); });
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
const q = (s) => "'" + s.replaceAll("'", "''") + "'";

function run(args) {
  const r = spawnSync(silt, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) fail(`silt ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
const m = await buildSqlData(conn, tmp, { fixtures, genRows: 1000000 });

// The log's adds, as `table describe --files` prints them: path, size, numRecords, partitions.
function logFiles(dir) {
  const out = [];
  for (const f of fs.readdirSync(path.join(dir, '_delta_log')).sort()) {
    for (const l of fs.readFileSync(path.join(dir, '_delta_log', f), 'utf8').split('\n').filter(Boolean)) {
      const a = JSON.parse(l);
      if (a.remove) out.splice(out.findIndex((x) => x.path === a.remove.path), 1);
      if (a.add) out.push(a.add);
    }
  }
  return out;
}

for (const name of ['sales', 'sales_by_country', 'gen', 'empty', 'products', 'countries', 'nulls', 'types', 'versions']) {
  const dir = m[name].path;
  const listed = run(['table', 'describe', '--files', dir]).map((l) => l.split('\t'));
  const adds = logFiles(dir);
  if (listed.length !== adds.length) fail(`${name}: silt lists ${listed.length} files, the log holds ${adds.length}`);
  let rows = 0;
  for (const a of adds) {
    const rel = decodeURIComponent(a.path);
    const l = listed.find((x) => x[0] === rel);
    const stats = JSON.parse(a.stats);
    if (!l) fail(`${name}: silt does not list ${rel}`);
    if (Number(l[1]) !== a.size || Number(l[2]) !== stats.numRecords) fail(`${name}: ${rel}: ${l.join(' ')}`);
    if (JSON.stringify(JSON.parse(l[3])) !== JSON.stringify(a.partitionValues)) fail(`${name}: ${rel}: partitions ${l[3]}`);
    rows += stats.numRecords;
    if (name === 'gen' && a !== adds[0]) continue; // one of the 8 generated files is enough
    const file = path.join(dir, rel);
    const ours = run(['parquet', 'cat', '--format', 'canonical', file]).sort();
    const theirs = (await conn.runAndReadAll(`SELECT * FROM read_parquet(${q(file)}, hive_partitioning=false)`)).getRows()
      .map((r) => r.map(render).join('\t')).sort();
    if (ours.join('\n') !== theirs.join('\n')) fail(`${name}: ${rel}: silt's rows differ from DuckDB's`);
  }
  console.log(`ok: ${name}: ${adds.length} files, ${rows} rows, read alike by silt and DuckDB${name === 'gen' ? ' (first file)' : ''}`);
}

// Skipping and pruning by the statistics and partition values the independent writer wrote. In
// {gen} every file's max TransactionNo is a cancellation ('C...' sorts after digits), so '600000'
// keeps the 3 files whose min is at most '600000'.
const checks = [['gen', "TransactionNo = '600000'", 3], ['gen', 'Quantity > 100', 0],
  ['sales_by_country', "Country = 'Norway'", 1], ['sales', 'Price < 0', 0]];
for (const [name, where, want] of checks) {
  const kept = run(['table', 'describe', '--files', '--where', where, m[name].path]).map((l) => l.split('\t')[0]);
  const files = '[' + m[name].files.map(q).join(', ') + ']';
  const holds = (await conn.runAndReadAll(`SELECT DISTINCT filename FROM read_parquet(${files}, filename=true)
    WHERE ${where}`)).getRows().length;
  if (kept.length !== want) fail(`${name} where ${where}: kept ${kept.length} files, expected ${want}`);
  if (kept.length < holds) fail(`${name} where ${where}: kept ${kept.length} files but ${holds} hold matches`);
  console.log(`ok: ${name} where ${where}: ${kept.length} of ${logFiles(m[name].path).length} files kept`);
}
