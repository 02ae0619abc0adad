#!/usr/bin/env node
// The independent oracle: DuckDB reads a Parquet or JSON-lines file (or runs a query) and this
// script prints its rows in silt's canonical text form (tests/oracle/README.md), sorted, so a test
// can diff silt's reading against DuckDB's byte for byte.
//
// Usage: node tests/oracle/duckdb-rows.mjs FILE [--columns a,b] [--types] [--no-sort]
//        node tests/oracle/duckdb-rows.mjs --sql "SELECT ..." [--types] [--no-sort]
//        node tests/oracle/duckdb-rows.mjs --sql-file FILE.sql [--types] [--no-sort]
// FILE ending in .parquet is read with read_parquet, .json/.jsonl/.ndjson with read_json
// (format newline_delimited). --types prints a first line "# name TYPE<TAB>name TYPE...".
import { DuckDBInstance } from '@duckdb/node-api';
import { render } from './canonical.mjs';

const args = process.argv.slice(2);
let file = null, columns = null, sql = null, types = false, sort = true;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--columns') columns = args[++i].split(',');
  else if (a === '--sql') sql = args[++i];
  else if (a === '--sql-file') sql = (await import('node:fs')).readFileSync(args[++i], 'utf8');
  else if (a === '--types') types = true;
  else if (a === '--no-sort') sort = false;
  else if (a === '--help' || a === '-h') {
    console.log('usage: duckdb-rows.mjs FILE [--columns a,b] [--types] [--no-sort] | --sql QUERY');
    process.exit(0);
  } else if (a.startsWith('--')) { console.error(`duckdb-rows: unknown option ${a}`); process.exit(2); }
  else file = a;
}
if (!file && !sql) { console.error('duckdb-rows: need FILE or --sql'); process.exit(2); }

const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const ident = (s) => '"' + s.replaceAll('"', '""') + '"';
if (!sql) {
  const sel = columns ? columns.map(ident).join(', ') : '*';
  const src = /\.parquet$/i.test(file)
    ? `read_parquet(${q(file)})`
    : `read_json(${q(file)}, format='newline_delimited')`;
  sql = `SELECT ${sel} FROM ${src}`;
}

const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await inst.connect();
let reader;
try {
  reader = await conn.runAndReadAll(sql);
} catch (e) {
  console.error(`duckdb-rows: ${e.message}`);
  process.exit(1);
}
const out = reader.getRows().map((row) => row.map(render).join('\t'));
if (sort) out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
if (types) {
  const names = reader.columnNames();
  const ts = reader.columnTypes().map((t) => t.toString());
  process.stdout.write('# ' + names.map((n, i) => `${n} ${ts[i]}`).join('\t') + '\n');
}
process.stdout.write(out.map((l) => l + '\n').join(''));
