#!/usr/bin/env node
// The query limits of `silt serve`: a query past --query-timeout answers 504 with a message
// naming the limit while the server keeps answering (and the query, which runs to its end on its
// own thread, frees its slot); past --max-queries running at once a query answers 503 with
// Retry-After and says why, while the queries already running succeed; the threads that answer
// run at a lower priority than the process's main thread (--nice 10 by default, Linux's idle
// class with --nice 20), read back from /proc. The slow query is a
// self-join of the test lake's silver_sales (millions of joined rows), so its duration is many
// times the limits on any machine.
import { fail, ok, scratch, makeLake, startServer, stopServer, get, sqlJson } from '../lib/serve.mjs';
import fs from 'node:fs';
import path from 'node:path';

const tmp = scratch('serve-limits');
const lake = path.join(tmp, 'lake');
makeLake(lake);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const slow = (copies) => 'SELECT sum(length(concat(a.transaction_no, b.transaction_no))) AS n FROM silver_sales a JOIN (' +
  Array(copies).fill('SELECT * FROM silver_sales').join(' UNION ALL ') + ') b ON a.country = b.country';
const metric = async (srv, line) => {
  const m = (await get(srv, '/metrics')).body.split('\n').find((l) => l.startsWith(`${line} `));
  return m === undefined ? null : Number(m.split(' ').pop());
};
// waits (5 minutes at most) until the number of running queries is n
const running = async (srv, n, what) => {
  for (let i = 0; i < 6000; i++) {
    if ((await metric(srv, 'silt_sql_queries_running')) === n) return;
    await sleep(50);
  }
  fail(`${what}: silt_sql_queries_running never became ${n}`);
};

// ---- the time limit ----
const srv = await startServer(lake, ['--query-timeout', '250ms', '--max-queries', '2']);
const t = await sqlJson(srv, slow(4));
if (t.status !== 504) fail(`slow query: status ${t.status}, expected 504: ${t.body}`);
const tj = t.json();
if (!/time limit of 250 ms/.test(tj.error) || !tj.suggestion) fail(`504 without a clear error: ${t.body}`);
const health = await get(srv, '/healthz');
if (health.status !== 200) fail(`/healthz after the timeout: ${health.status}`);
if ((await metric(srv, 'silt_sql_queries_total{outcome="timed_out"}')) !== 1) fail('timed_out counter is not 1');
await running(srv, 0, 'after the cut query ran to its end');
let quick;
for (let i = 0; i < 20; i++) { // a loaded machine may take 250 ms for a small query too
  quick = await sqlJson(srv, 'SELECT count(*) AS n FROM gold_country');
  if (quick.status !== 504) break;
}
if (quick.status !== 200 || !(quick.json().rows[0][0] > 0)) fail(`a query after the timeout: ${quick.status} ${quick.body}`);
await stopServer(srv);
ok(`a query past --query-timeout gets 504 ("${tj.error}"); the server stays up and answers the next query`);

// ---- the concurrent-query limit ----
const srv2 = await startServer(lake, ['--max-queries', '2', '--query-timeout', '10min']);
const a = sqlJson(srv2, slow(8)), b = sqlJson(srv2, slow(8));
await running(srv2, 2, 'two slow queries');
const refused = await sqlJson(srv2, 'SELECT 1 AS a');
if (refused.status !== 503) fail(`a third query while two run: status ${refused.status}, expected 503: ${refused.body}`);
if (!/^\d+$/.test(refused.headers.get('retry-after') || '')) fail(`503 without Retry-After: ${[...refused.headers]}`);
if (!/too many queries: 2 are running/.test(refused.json().error)) fail(`503 without a clear error: ${refused.body}`);
const [ra, rb] = await Promise.all([a, b]);
for (const [name, r] of [['first', ra], ['second', rb]])
  if (r.status !== 200 || r.json().row_count !== 1) fail(`the ${name} slow query: ${r.status} ${r.body.slice(0, 300)}`);
if (ra.json().rows[0][0] !== rb.json().rows[0][0]) fail(`the two slow queries disagree: ${ra.body} ${rb.body}`);
const after = await sqlJson(srv2, 'SELECT 1 AS a');
if (after.status !== 200) fail(`a query once the slots are free: ${after.status} ${after.body}`);
if ((await metric(srv2, 'silt_sql_queries_total{outcome="refused"}')) !== 1) fail('refused counter is not 1');
await stopServer(srv2);
ok('past --max-queries a query gets 503 with Retry-After; the running queries succeed, and so does the next one');
// ---- the server's threads yield the CPU ----
// Each thread's nice value and scheduling policy (fields 19 and 41 of /proc/PID/task/TID/stat);
// a thread that ended between the listing and the read is left out.
const threads = (pid) => fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
  let f;
  try { f = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'); } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ESRCH') return [];
    throw e;
  }
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' '); // fields 3...
  return [{ tid: Number(tid), nice: Number(rest[19 - 3]), policy: Number(rest[41 - 3]) }];
});
for (const [args, want, what] of [[[], (t) => t.nice === 10 && t.policy === 0, 'nice 10'],
  [['--nice', '20'], (t) => t.policy === 5, 'SCHED_IDLE']]) {
  const s = await startServer(lake, args);
  for (let i = 0; i < 8; i++) if ((await get(s, '/api/tables')).status !== 200) fail('/api/tables');
  if ((await sqlJson(s, 'SELECT count(*) AS n FROM gold_country')).status !== 200) fail('a query');
  const ts = threads(s.proc.pid);
  const main = ts.find((t) => t.tid === s.proc.pid);
  if (main.nice !== 0 || main.policy !== 0) fail(`the main thread moved: ${JSON.stringify(main)}`);
  if (!ts.some(want)) fail(`silt serve ${args.join(' ')}: no thread at ${what}: ${JSON.stringify(ts)}`);
  await stopServer(s);
}
ok('the threads that answer requests run at nice 10 by default and in the idle class with --nice 20; the main thread keeps its priority');
process.exit(0);
