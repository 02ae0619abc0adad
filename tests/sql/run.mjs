#!/usr/bin/env node
// The SQL differential corpus runner: builds the test tables (tests/tools/sql-data.mjs), runs
// every entry of tests/sql/*.test through DuckDB (the live oracle check: the checked-in rows
// must still be DuckDB's answer) and through `silt sql --format canonical`, and compares.
// --regenerate rewrites the expected rows from DuckDB instead (entries marked spark-differs keep
// their hand-derived rows unless they carry a DuckDB translation that emulates Spark).
//
// Usage: node tests/sql/run.mjs [FILE.test...] [--regenerate] [--oracle-only] [--silt PATH]
//          [--data DIR] [--gen-rows N] [--jobs N] [--grep TEXT] [--verbose]
// Prints one line per failure and, last, "N passed, N failed". Exit 0 only when all passed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { render } from '../oracle/canonical.mjs';
import { buildSqlData } from '../tools/sql-data.mjs';
import { parseCorpus, rewriteCorpus, expand } from './lib/corpus.mjs';
import { compareRows, byteSort } from './lib/compare.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../..');
const opt = { files: [], regenerate: false, oracleOnly: false, jobs: 2, verbose: false, grep: null,
  silt: process.env.SILT || path.join(root, 'build/silt'), data: null, genRows: 1000000 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--regenerate') opt.regenerate = true;
  else if (a === '--oracle-only') opt.oracleOnly = true;
  else if (a === '--verbose') opt.verbose = true;
  else if (a === '--silt') opt.silt = argv[++i];
  else if (a === '--data') opt.data = argv[++i];
  else if (a === '--gen-rows') opt.genRows = Number(argv[++i]);
  else if (a === '--jobs') opt.jobs = Number(argv[++i]);
  else if (a === '--grep') opt.grep = argv[++i];
  else if (a.startsWith('--')) { console.error(`run.mjs: unknown option ${a}`); process.exit(2); }
  else opt.files.push(path.resolve(a));
}
if (!opt.files.length) {
  opt.files = fs.readdirSync(here).filter((f) => f.endsWith('.test')).sort().map((f) => path.join(here, f));
}

// Tables: built once into --data DIR (kept, reused when its manifest exists) or a temp dir, by a
// DuckDB instance of their own (its temporary tables must not shadow the oracle's views).
async function tables() {
  const dir = opt.data ? path.resolve(opt.data) : fs.mkdtempSync(path.join(os.tmpdir(), 'silt-sql-'));
  if (!opt.data) process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const mf = path.join(dir, 'manifest.json');
  if (fs.existsSync(mf)) return { dir, manifest: JSON.parse(fs.readFileSync(mf, 'utf8')) };
  if (fs.existsSync(dir) && fs.readdirSync(dir).length) {
    throw new Error(`--data ${dir} has no manifest.json but is not empty: remove it or name a new directory`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const fixtures = process.env.SILT_FIXTURES || path.join(root, '../shared/fixtures');
  const builder = await DuckDBInstance.create(':memory:', { threads: '2' });
  const manifest = await buildSqlData(await builder.connect(), dir, { fixtures, genRows: opt.genRows });
  fs.writeFileSync(mf, JSON.stringify(manifest));
  return { dir, manifest };
}

const viewName = (name) => name.replace(/[^A-Za-z0-9]/g, '_');

// The data files live in a Delta table as of `version`, by this runner's own replay of the JSON
// commits 0..version (adds minus later removes), for DuckDB to read: independent of silt.
function liveFilesAt(tableDir, version) {
  const live = new Map();
  for (let v = 0; v <= version; v++) {
    const f = path.join(tableDir, '_delta_log', `${String(v).padStart(20, '0')}.json`);
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: cannot replay version ${version}`);
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line);
      if (a.add) live.set(a.add.path, true);
      if (a.remove) live.delete(a.remove.path);
    }
  }
  return [...live.keys()].map((p) => path.join(tableDir, decodeURIComponent(p)));
}

// A placeholder NAME@V: silt reads the table with VERSION AS OF V, DuckDB the files live at V.
async function timeTravelView(conn, manifest, name) {
  const [base, v] = name.split('@');
  const t = manifest[base];
  if (!t || !t.silt.startsWith('delta.')) throw new Error(`{${name}}: ${base} is not a Delta table`);
  const dir = t.path || t.silt.slice('delta.`'.length, -1);
  const files = liveFilesAt(dir, Number(v)).map((f) => "'" + f.replaceAll("'", "''") + "'");
  manifest[name] = { silt: `${t.silt} VERSION AS OF ${v}`,
    duck: files.length ? `SELECT * FROM read_parquet([${files.join(', ')}])` : `${t.duck} WHERE false` };
  await conn.run(`CREATE OR REPLACE VIEW ${viewName(name)} AS ${manifest[name].duck}`);
}

async function duckRows(conn, sql, ordered) {
  const r = await conn.runAndReadAll(sql);
  const rows = r.getRows().map((row) => row.map(render).join('\t'));
  return ordered ? rows : byteSort(rows);
}

function runSilt(sql, tmp) {
  return new Promise((resolve) => {
    let args = ['sql', '--format', 'canonical', sql];
    if (sql.length > 60000) { // beyond what one argument may hold: through a file
      const f = path.join(tmp, `q${process.hrtime.bigint()}.sql`);
      fs.writeFileSync(f, sql);
      args = ['sql', '--format', 'canonical', '-f', f];
    }
    const p = spawn(opt.silt, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 120000);
    p.on('error', (e) => { clearTimeout(timer); resolve({ code: -1, signal: null, stdout: '', stderr: e.message }); });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

function checkSilt(e, r) {
  const errText = r.stderr.trim().split('\n').slice(0, 3).join(' | ');
  if (r.signal) return `silt killed by ${r.signal}${r.signal === 'SIGKILL' ? ' (timed out after 120 s)' : ''}`;
  if (e.kind === 'nocrash') { // an answer or a clear error, nothing else
    if (r.code === 0 || ((r.code === 1 || r.code === 2) && r.stderr.trim())) return null;
    return `exit ${r.code} without a clear error: ${errText}`;
  }
  if (e.kind === 'error') {
    if (r.code !== 2) return `expected exit 2 (bad query), got ${r.code}; stderr: ${errText}`;
    if (!r.stderr.toLowerCase().includes(e.message.toLowerCase())) {
      return `error message lacks "${e.message}": ${errText}`;
    }
    return null;
  }
  if (r.code !== 0) return `exit ${r.code}: ${errText}`;
  const rows = r.stdout.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  return compareRows(e.rows, rows, { ordered: e.mode === 'ordered', tolerance: e.tolerance });
}

async function main() {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  const { dir, manifest } = await tables();
  for (const [name, t] of Object.entries(manifest)) {
    await conn.run(`CREATE OR REPLACE VIEW ${viewName(name)} AS ${t.duck}`);
  }
  const unknown = (name) => { throw new Error(`unknown table placeholder {${name}}`); };
  const siltTable = (name) => (manifest[name] ? manifest[name].silt : unknown(name));
  const duckTable = (name) => (manifest[name] ? viewName(name) : unknown(name));

  const texts = new Map(opt.files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  let entries = [];
  for (const [f, text] of texts) entries.push(...parseCorpus(text, path.relative(root, f)));
  for (const e of entries) {
    for (const m of `${e.sql}\n${e.duck ?? ''}`.matchAll(/\{([a-z_]+(?::[A-Za-z0-9_-]+)?@\d+)\}/g)) {
      if (!manifest[m[1]]) await timeTravelView(conn, manifest, m[1]);
    }
  }
  if (opt.grep) entries = entries.filter((e) => e.sql.includes(opt.grep) || `${e.file}:${e.line}`.includes(opt.grep));

  const failures = [];
  const updates = new Map();
  let oracleChecked = 0;
  for (const e of entries) {
    const dsql = e.kind === 'query' ? (e.duck ?? (e.differs ? null : e.sql)) : null;
    if (dsql === null) continue;
    let rows;
    try {
      rows = await duckRows(conn, expand(dsql, duckTable), e.mode === 'ordered');
    } catch (err) {
      failures.push({ e, why: `DuckDB could not run the oracle query: ${err.message.split('\n')[0]}` });
      e.failed = true;
      continue;
    }
    oracleChecked++;
    if (opt.regenerate) {
      const f = path.resolve(root, e.file);
      if (!updates.has(f)) updates.set(f, []);
      updates.get(f).push({ entry: e, rows });
      continue;
    }
    const diff = compareRows(e.rows, rows, { ordered: e.mode === 'ordered', tolerance: 0 });
    if (diff) { failures.push({ e, why: `checked-in rows are no longer DuckDB's answer: ${diff}` }); e.failed = true; }
  }
  if (opt.regenerate) {
    for (const [f, ups] of updates) fs.writeFileSync(f, rewriteCorpus(texts.get(f), ups));
    console.log(`regenerated ${oracleChecked} entries in ${updates.size} files` +
      (failures.length ? `; ${failures.length} oracle queries failed:` : ''));
    for (const { e, why } of failures) console.log(`  ${e.file}:${e.line}: ${why}`);
    process.exit(failures.length ? 1 : 0);
  }

  let passed = 0;
  if (!opt.oracleOnly) {
    const queue = entries.slice();
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        let sql;
        try { sql = expand(e.sql, siltTable); } catch (err) { failures.push({ e, why: err.message }); continue; }
        const r = await runSilt(sql, dir);
        const why = checkSilt(e, r);
        if (why) failures.push({ e, why });
        else if (!e.failed) passed++;
        if (opt.verbose) console.log(`${why ? 'FAIL' : 'ok  '} ${e.file}:${e.line}`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opt.jobs) }, worker));
  } else {
    passed = entries.filter((e) => !e.failed).length;
  }
  failures.sort((a, b) => (a.e.file + a.e.line).localeCompare(b.e.file + b.e.line, 'en', { numeric: true }));
  for (const { e, why } of failures) {
    const q = e.sql.replace(/\s+/g, ' ').slice(0, 160);
    console.log(`FAIL ${e.file}:${e.line}: ${q}\n  ${why}`);
  }
  const failed = entries.length - passed;
  console.log(`${opt.oracleOnly ? `oracle only (${oracleChecked} DuckDB checks): ` : ''}${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => { console.error(`run.mjs: ${err.stack || err}`); process.exit(2); });
