#!/usr/bin/env node
// CREATE TABLE delta.`path` [PARTITIONED BY (Country)] AS SELECT, then INSERT INTO: the table silt
// writes is read back by silt (`silt sql`, `silt table describe --files`) and by an independent
// replay of its JSON log in DuckDB (live adds, partition values from the log, Parquet by DuckDB),
// and both must equal DuckDB's own answer to the same SELECT over the sample CSV; CTAS is one
// commit as Spark makes it (version 0 holds the rows).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { render } from '../oracle/canonical.mjs';

const root = process.env.SILT_ROOT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const silt = process.env.SILT || path.join(root, 'build/silt');
const csv = path.join(process.env.SILT_FIXTURES || path.join(root, '../shared/fixtures'), 'sales-transactions-sample.csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'silt-ctas-'));
process.on('exit', () => { if (!process.env.SILT_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true }); });
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const sortRows = (rows) => [...rows].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

function siltSql(sql) {
  const r = spawnSync(silt, ['sql', '--format', 'canonical', sql], { encoding: 'utf8' });
  if (r.status !== 0) fail(`silt sql exited ${r.status} on: ${sql}\n${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
const duckRows = async (sql) => (await conn.runAndReadAll(sql)).getRows().map((r) => r.map(render).join('\t'));

// DuckDB's reading of a Delta table by replaying its JSON commits: the columns of schemaString in
// order, partition columns taken from each add's partitionValues (cast to the column's type).
async function replay(dir) {
  const logDir = path.join(dir, '_delta_log');
  const live = new Map();
  let schema = null, parts = [];
  for (const f of fs.readdirSync(logDir).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
    for (const line of fs.readFileSync(path.join(logDir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line);
      if (a.metaData) { schema = JSON.parse(a.metaData.schemaString); parts = a.metaData.partitionColumns; }
      if (a.add) live.set(a.add.path, a.add.partitionValues || {});
      if (a.remove) live.delete(a.remove.path);
    }
  }
  if (!schema) fail(`${dir}: no metaData in the log`);
  const duckType = { string: 'VARCHAR', double: 'DOUBLE', integer: 'INTEGER', long: 'BIGINT', date: 'DATE' };
  const rows = [];
  for (const [p, pv] of live) {
    const cols = schema.fields.map((f) => (parts.includes(f.name)
      ? `CAST(${pv[f.name] === null ? 'NULL' : q(pv[f.name])} AS ${duckType[f.type] || 'VARCHAR'})`
      : `"${f.name}"`));
    rows.push(...await duckRows(`SELECT ${cols.join(', ')} FROM read_parquet(${q(path.join(dir, decodeURIComponent(p)))})`));
  }
  return { rows, files: live.size, schema };
}

const select = (src) => `SELECT TransactionNo, to_date(Date, 'M/d/yyyy') AS day, ProductNo,
  CAST(Price AS DOUBLE) AS Price, CAST(Quantity AS INT) AS Quantity, CAST(CustomerNo AS DOUBLE) AS CustomerNo,
  Country FROM ${src}`;
const duckSelect = `SELECT TransactionNo, strptime(Date, '%m/%d/%Y')::DATE AS day, ProductNo,
  CAST(Price AS DOUBLE) AS Price, CAST(Quantity AS INTEGER) AS Quantity, CAST(CustomerNo AS DOUBLE) AS CustomerNo,
  Country FROM read_csv(${q(csv)}, header=true, all_varchar=true)`;

function same(what, a, b) {
  const x = sortRows(a), y = sortRows(b);
  if (x.length !== y.length) fail(`${what}: ${x.length} rows, expected ${y.length}`);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) fail(`${what}: row ${i + 1}\n  got      ${x[i]}\n  expected ${y[i]}`);
}

function describedRows(dir) {
  const r = spawnSync(silt, ['table', 'describe', '--files', dir], { encoding: 'utf8' });
  if (r.status !== 0) fail(`silt table describe --files ${dir}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split('\t')[2]), 0);
}

const expected = await duckRows(duckSelect);
const late = [];
for (const [name, clause] of [['plain', ''], ['by_country', 'PARTITIONED BY (Country) ']]) {
  const dir = path.join(tmp, name);
  siltSql(`CREATE TABLE delta.\`${dir}\` ${clause}AS ${select(`csv.\`${csv}\``)}`);
  const back = siltSql(`SELECT * FROM delta.\`${dir}\``);
  const rep = await replay(dir);
  same(`${name}: silt's reading`, back, expected);
  same(`${name}: DuckDB's log replay`, rep.rows, expected);
  const types = rep.schema.fields.map((f) => `${f.name}:${f.type}`).join(',');
  const want = 'TransactionNo:string,day:date,ProductNo:string,Price:double,Quantity:integer,CustomerNo:double,Country:string';
  if (types !== want) fail(`${name}: schema ${types}, expected ${want}`);
  if (describedRows(dir) !== expected.length) fail(`${name}: table describe counts ${describedRows(dir)} rows`);
  if (clause && rep.files < 4) fail(`${name}: ${rep.files} files for 4 countries`);
  console.log(`ok: CTAS ${name}: ${expected.length} rows in ${rep.files} files; silt and DuckDB's replay agree`);

  // INSERT INTO appends: the Norway rows again.
  siltSql(`INSERT INTO delta.\`${dir}\` ${select(`csv.\`${csv}\``)} WHERE Country = 'Norway'`);
  const more = expected.concat(expected.filter((r) => r.endsWith('\t"Norway"')));
  same(`${name} after INSERT: silt's reading`, siltSql(`SELECT * FROM delta.\`${dir}\``), more);
  same(`${name} after INSERT: DuckDB's log replay`, (await replay(dir)).rows, more);
  console.log(`ok: INSERT INTO ${name}: ${more.length} rows, silt and DuckDB's replay agree`);
  // CTAS is one commit, as Spark writes it: version 0 holds the rows (no empty version first).
  const v0 = siltSql(`SELECT count(*) FROM delta.\`${dir}\` VERSION AS OF 0`);
  if (v0[0] !== String(expected.length)) late.push(`${name}: version 0 has ${v0[0]} rows, expected ${expected.length} (CTAS must commit its rows in version 0)`);
  else console.log(`ok: ${name}: version 0 holds the ${expected.length} rows CTAS wrote`);
}
if (late.length) fail(late.join('\n'));
