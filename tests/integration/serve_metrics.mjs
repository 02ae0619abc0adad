#!/usr/bin/env node
// GET /metrics: `promtool check metrics` (Debian's prometheus) finds nothing to complain about,
// and the figures agree with the lake and with what the test did: per-table rows (counted by
// silt sql), files and versions (read from the Delta log by this test), commits after an INSERT,
// request and query counters, the process's own figures.
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
ok('promtool check metrics passes; table, request, query and process figures agree with the lake');
await stopServer(srv);
