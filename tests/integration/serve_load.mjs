#!/usr/bin/env node
// Load on `silt serve` while a live pipeline writes into the lake (kafka-dev, produce at 300
// messages/s, `silt pipeline run examples/ecommerce.sql` every 500 ms): 100 connections
// (autocannon from npm) on /api/tables, /metrics and a small POST /api/sql, 10 s each (30 s in
// all; SERVE_LOAD_SECONDS), plus 20 clients following /api/events throughout. Every answer must
// be a 200: no error, no timeout, no refused connection; the pipeline must have gone on (silver
// grew during the load); the server must then still answer and stop cleanly.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { silt, fail, ok, scratch, makeLake, startServer, stopServer, get } from '../lib/serve.mjs';

const secs = Number(process.env.SERVE_LOAD_SECONDS || 10);
const tmp = scratch('serve-load');
const lake = path.join(tmp, 'lake');
makeLake(lake);
const procs = [];
const run = (args, name) => {
  const p = spawn(silt, args, { stdio: ['ignore', 'ignore', fs.openSync(path.join(tmp, `${name}.log`), 'w')] });
  procs.push(p);
};
process.on('exit', () => { for (const p of procs.reverse()) try { p.kill('SIGKILL'); } catch { /* gone */ } });
const bootFile = path.join(tmp, 'boot');
run(['kafka-dev', '--topic', 'transactions:3', '--bootstrap-file', bootFile], 'kafka-dev');
for (let i = 0; i < 100 && !(fs.existsSync(bootFile) && fs.readFileSync(bootFile, 'utf8').trim()); i++)
  await new Promise((r) => setTimeout(r, 100));
const boot = fs.readFileSync(bootFile, 'utf8').trim();
run(['produce', '-b', boot, '-t', 'transactions', '--generate', '100000000', '--rate', '300'], 'produce');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
run(['pipeline', 'run', path.join(root, 'examples/ecommerce.sql'), '--lake', lake, '--var', `KAFKA=${boot}`,
  '--var', 'TOPIC=transactions', '--trigger', '500ms', '--progress', '0'], 'pipeline');

const srv = await startServer(lake, ['--poll', '200ms', '--max-queries', '128', '--max-connections', '512']);
const followers = [];
for (let i = 0; i < 20; i++) {
  const ctl = new AbortController();
  const r = await fetch(`${srv.url}/api/events`, { signal: ctl.signal }).catch((e) =>
    fail(`events follower ${i}: ${e.cause?.code || e.message}; server exit ${srv.proc.exitCode} ${srv.proc.signalCode}: ${srv.stderr()}`));
  if (r.status !== 200) fail(`events follower ${i}: ${r.status}`);
  r.body.getReader().read().catch(() => {});
  followers.push(ctl);
}
const runs = [
  { title: 'GET /api/tables', url: `${srv.url}/api/tables` },
  { title: 'GET /metrics', url: `${srv.url}/metrics` },
  {
    title: 'POST /api/sql', url: `${srv.url}/api/sql`, method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: 'SELECT country, revenue FROM gold_country ORDER BY revenue DESC LIMIT 3' }),
  },
];
const rowsOf = async (name) =>
  (await get(srv, '/api/tables')).json().tables.find((x) => x.name === name)?.rows || 0;
const silver0 = await rowsOf('silver_transactions');
for (const r of runs) {
  const res = await autocannon({ ...r, connections: 100, duration: secs, timeout: 30 });
  const line = `${r.title}: ${res.requests.total} requests, ${Math.round(res.requests.average)}/s, p99 ${res.latency.p99} ms`;
  if (res.errors || res.timeouts || res.non2xx || !res.requests.total)
    fail(`${line}: ${res.errors} errors, ${res.timeouts} timeouts, ${res.non2xx} non-2xx`);
  ok(`${line}, no errors`);
}
for (const c of followers) c.abort();
let silver = 0;
for (let i = 0; i < 300 && !(silver > silver0); i++) {
  silver = await rowsOf('silver_transactions');
  if (!(silver > silver0)) await new Promise((r) => setTimeout(r, 100));
}
if (!(silver > silver0))
  fail(`the pipeline made no silver rows under load (${silver0} before, ${silver} after): ${fs.readFileSync(path.join(tmp, 'pipeline.log'), 'utf8').slice(-2000)}`);
await stopServer(srv);
ok(`the server stayed up with 20 event followers and the pipeline running (silver ${silver0} -> ${silver} rows); stopped cleanly`);
// kafka-dev, the producer and the pipeline are children of this process: they keep its event loop
// alive, so the 'exit' handler that stops them would never run. Stop them and end here.
for (const p of procs.reverse()) try { p.kill('SIGTERM'); } catch { /* gone */ }
process.exit(0);
