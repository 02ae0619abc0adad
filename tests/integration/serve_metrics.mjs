#!/usr/bin/env node
// GET /metrics: `promtool check metrics` (Debian's prometheus) finds nothing to complain about,
// and the figures agree with the lake and with what the test did: per-table rows (counted by
// silt sql), files and versions (read from the Delta log by this test), commits after an INSERT,
// request and query counters, the process's own figures. A second server with an hour-long
// --cache shows that requests share one rendering, and that a commit still shows at once; its
// threads run --nice levels below its main thread.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fail, ok, scratch, siltSql, makeLake, startServer, stopServer, get, post } from '../lib/serve.mjs';

const tmp = scratch('serve-metrics');
const lake = path.join(tmp, 'lake');
makeLake(lake);
const srv = await startServer(lake, ['--poll', '100ms']);

function parse(text) {
  const m = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}
function promtool(text) {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) fail(`promtool: ${r.error.message} (scripts/install-deps installs Debian's prometheus)`);
  if (r.status !== 0 || r.stdout.trim() || r.stderr.trim()) fail(`promtool check metrics:\n${r.stdout}${r.stderr}`);
}
// Live files of a table by replaying its JSON log.
function liveFiles(dir) {
  const live = new Set();
  const log = path.join(dir, '_delta_log');
  for (const f of fs.readdirSync(log).filter((x) => /^\d{20}\.json$/.test(x)).sort())
    for (const l of fs.readFileSync(path.join(log, f), 'utf8').split('\n').filter(Boolean)) {
      const a = JSON.parse(l);
      if (a.add) live.add(a.add.path);
      if (a.remove) live.delete(a.remove.path);
    }
  return live.size;
}

await post(srv, '/api/sql', 'SELECT count(*) AS n FROM silver_sales');
await post(srv, '/api/sql', 'SELECT nothing FROM silver_sales');
await get(srv, '/api/tables/nope');
siltSql(`INSERT INTO delta.\`${path.join(lake, 'gold_country')}\` SELECT 'Atlantis' AS country, 1.0 AS revenue, 1 AS orders`);
let m;
for (let i = 0; i < 100; i++) {
  const r = await get(srv, '/metrics');
  if (r.status !== 200 || !r.headers.get('content-type').startsWith('text/plain; version=0.0.4')) fail(`metrics ${r.status}`);
  promtool(r.body);
  m = parse(r.body);
  if (m.get('silt_table_version{table="gold_country",layer="gold"}') === 1) break;
  await new Promise((res) => setTimeout(res, 100));
}
for (const t of ['bronze_sales', 'silver_sales', 'gold_daily', 'gold_country', 'nested/ops_log']) {
  const layer = t.startsWith('nested') ? 'other' : t.split('_')[0];
  const lbl = `{table="${t}",layer="${layer}"}`;
  const rows = siltSql(`SELECT count(*) AS n FROM delta.\`${path.join(lake, t)}\``)[0].n;
  const version = t === 'gold_country' ? 1 : 0;
  if (m.get(`silt_table_rows${lbl}`) !== rows) fail(`${t}: silt_table_rows ${m.get(`silt_table_rows${lbl}`)}, count ${rows}`);
  if (m.get(`silt_table_version${lbl}`) !== version) fail(`${t}: version ${m.get(`silt_table_version${lbl}`)}`);
  if (m.get(`silt_table_commits_total${lbl}`) !== version + 1) fail(`${t}: commits`);
  if (m.get(`silt_table_files${lbl}`) !== liveFiles(path.join(lake, t))) fail(`${t}: files`);
  if (!(m.get(`silt_table_size_bytes${lbl}`) > 0)) fail(`${t}: bytes`);
}
const want = {
  'silt_catalog_tables': 5, 'silt_sql_queries_total{outcome="ok"}': 1, 'silt_sql_queries_total{outcome="failed"}': 1,
  'silt_catalog_commits_seen_total': 1,
};
for (const [k, v] of Object.entries(want)) if (m.get(k) !== v) fail(`${k} = ${m.get(k)}, expected ${v}`);
if (!(m.get('silt_http_requests_total') >= 4)) fail('silt_http_requests_total');
if (!(m.get('silt_http_errors_total{class="4xx"}') >= 2)) fail('4xx errors not counted');
if (!(m.get('silt_http_request_duration_seconds_count') >= 3)) fail('duration histogram');
if (!(m.get('process_resident_memory_bytes') > 1e6) || !(m.get('process_open_fds') > 2)) fail('process figures');
if (![...m.keys()].some((k) => k.startsWith('silt_build_info{version="'))) fail('build info');
const d = 'silt_http_request_duration_seconds';
let prev = 0;
for (const le of ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '10', '+Inf']) {
  const v = m.get(`${d}_bucket{le="${le}"}`);
  if (!(v >= prev)) fail(`${d} bucket le=${le}: ${v} after ${prev}`);
  prev = v;
}
if (prev !== m.get(`${d}_count`)) fail(`${d}: +Inf bucket ${prev}, count ${m.get(`${d}_count`)}`);
ok('promtool check metrics passes; table, request, query and process figures agree with the lake');
await stopServer(srv);

// The cache: with --cache 1h, requests between two changes get the same text (the request
// counter does not move), and a commit (seen by the catalog) shows at once anyway.
const cached = await startServer(lake, ['--poll', '100ms', '--cache', '1h', '--nice', '7']);
const first = (await get(cached, '/metrics')).body;
await get(cached, '/healthz');
const again = (await get(cached, '/metrics')).body;
if (again !== first) fail('with --cache 1h and no change, /metrics was rendered again');
const tables0 = (await get(cached, '/api/tables')).body;
if ((await get(cached, '/api/tables')).body !== tables0) fail('with --cache 1h, /api/tables was rendered again');
siltSql(`INSERT INTO delta.\`${path.join(lake, 'gold_country')}\` SELECT 'Lemuria' AS country, 2.0 AS revenue, 1 AS orders`);
let seen = false;
for (let i = 0; i < 200 && !seen; i++) {
  seen = JSON.parse((await get(cached, '/api/tables/gold_country')).body).version === 2;
  if (!seen) await new Promise((res) => setTimeout(res, 100));
}
if (!seen) fail('the catalog never saw gold_country version 2');
const after = parse((await get(cached, '/metrics')).body);
if (after.get('silt_table_version{table="gold_country",layer="gold"}') !== 2) fail('a commit did not refresh the cached /metrics');
const gc = JSON.parse((await get(cached, '/api/tables')).body).tables.find((t) => t.name === 'gold_country');
if (gc.version !== 2) fail(`a commit did not refresh the cached /api/tables: version ${gc.version}`);
// --nice: the catalog's thread (started with the server) runs 7 levels below the main thread.
const niceOf = (tid) => Number(fs.readFileSync(`/proc/${cached.proc.pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
const main = niceOf(cached.proc.pid);
const levels = fs.readdirSync(`/proc/${cached.proc.pid}/task`).map(niceOf);
if (!levels.includes(Math.min(19, main + 7))) fail(`--nice 7: thread nice values ${levels}, main thread ${main}`);
ok('--cache: one rendering between changes, a commit shows at once; --nice lowers the server threads');
await stopServer(cached);
