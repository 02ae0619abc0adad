#!/usr/bin/env node
// The work of bench/serve.sh (see there): silt serve vs a static Node server on the same bytes,
// and the pipeline's rate with and without load on the server, all in one run.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { silt, fail, scratch, makeLake, startServer, stopServer, get } from '../tests/lib/serve.mjs';

process.setMaxListeners(50); // each server started adds an exit handler that kills it
const SECS = Number(process.env.SECS || 5);
const N = Number(process.env.N || 600000);
const ROUNDS = Number(process.env.ROUNDS || 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tmp = scratch('bench-serve');
const lake = path.join(tmp, 'lake');
makeLake(lake);
const srv = await startServer(lake, (process.env.SERVE_ARGS || '').split(' ').filter(Boolean));

// The peer: Node's http server with the same bodies, in its own process.
const bodies = { '/api/tables': (await get(srv, '/api/tables')).body, '/metrics': (await get(srv, '/metrics')).body };
fs.writeFileSync(path.join(tmp, 'bodies.json'), JSON.stringify(bodies));
const peerSrc = `const http=require('http');const b=require(${JSON.stringify(path.join(tmp, 'bodies.json'))});
const s=http.createServer((q,r)=>{const x=b[q.url];r.writeHead(x?200:404,{'content-type':'text/plain'});r.end(x||'');});
s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`;
const peer = spawn('node', ['-e', peerSrc], { stdio: ['ignore', 'pipe', 'inherit'] });
process.on('exit', () => peer.kill('SIGKILL'));
const peerPort = await new Promise((r) => peer.stdout.once('data', (d) => r(String(d).trim())));

const load = (url, secs = SECS) => autocannon({ url, connections: 100, duration: secs, timeout: 30 });
const row = (name, r) => `${name.padEnd(28)} ${String(Math.round(r.requests.average)).padStart(8)} req/s  p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  errors ${r.errors + r.non2xx + r.timeouts}`;
console.log('part 1: 100 connections, %d s each, %d rounds', SECS, ROUNDS);
for (const p of ['/api/tables', '/metrics']) {
  const p99 = [], ratio = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = await load(srv.url + p), b = await load(`http://127.0.0.1:${peerPort}${p}`);
    console.log(row(`silt serve ${p}`, a));
    console.log(row(`node static ${p}`, b));
    p99.push(a.latency.p99);
    ratio.push(a.requests.average / b.requests.average);
  }
  const m = median(p99);
  console.log(`${p}: median of ${ROUNDS} rounds: p99 ${m} ms (goal <= 20 ms: ${m <= 20 ? 'met' : 'missed'}), ratio silt/node (req/s) ${median(ratio).toFixed(2)}`);
}

// Part 2: ingest alone, then under load.
const boot = path.join(tmp, 'boot');
const dev = spawn(silt, ['kafka-dev', '--topic', 'bench:12', '--bootstrap-file', boot], { stdio: 'ignore' });
process.on('exit', () => dev.kill('SIGKILL'));
for (let i = 0; i < 100 && !(fs.existsSync(boot) && fs.readFileSync(boot, 'utf8').trim()); i++) await new Promise((r) => setTimeout(r, 100));
const b = fs.readFileSync(boot, 'utf8').trim();
const pr = spawnSync(silt, ['produce', '-b', b, '-t', 'bench', '--generate', String(N), '--compression', 'zstd', '--key', 'TransactionNo', '--seed', '1'], { encoding: 'utf8' });
if (pr.status !== 0) fail(`produce: ${pr.stderr}`);
// One `silt pipeline run examples/ecommerce.sql --until-caught-up` into a fresh lake; its rate is
// N over the time from the first bronze commit to the last gold commit (as bench/pipeline.sh
// measures it: the mock cluster's group join before the first message is the same either way).
const mtime = (f) => fs.statSync(f).mtimeMs / 1e3;
function activeSecs(dir) {
  const first = mtime(path.join(dir, 'bronze_transactions/_delta_log/00000000000000000001.json'));
  let last = 0;
  for (const t of fs.readdirSync(dir).filter((d) => d.startsWith('gold_'))) {
    const log = path.join(dir, t, '_delta_log');
    for (const f of fs.readdirSync(log).filter((x) => x.endsWith('.json'))) last = Math.max(last, mtime(path.join(log, f)));
  }
  return last - first;
}
function pipeline(dir) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(silt, ['pipeline', 'run', path.join(process.env.SILT_ROOT, 'examples/ecommerce.sql'), '--lake', dir,
      '--var', `KAFKA=${b}`, '--var', 'TOPIC=bench', '--until-caught-up', '--trigger', '250ms', '--progress', '0'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => resolve({ code, err, wall: Number(process.hrtime.bigint() - t0) / 1e9 }));
  });
}
console.log('part 2: silt pipeline run examples/ecommerce.sql over %d messages, alone and under load, %d rounds', N, ROUNDS);
const ratios = [];
for (let i = 0; i < ROUNDS; i++) {
  // Alone: a server on the pipeline's lake, idle. Loaded: the same, with 100 connections on it.
  const runs = [];
  for (const loaded of [false, true]) {
    const dir = path.join(tmp, `lake_${loaded ? 'loaded' : 'alone'}_${i}`);
    fs.mkdirSync(dir);
    const s = await startServer(dir, (process.env.SERVE2_ARGS ?? '--nice 20').split(' ').filter(Boolean));
    const hammer = loaded ? spawn('chrt', ['-i', '0', 'node', path.join(process.env.SILT_ROOT, 'bench/lib/hammer.mjs'), s.url + '/api/tables', s.url + '/metrics'],
      { stdio: ['ignore', 'pipe', 'inherit'] }) : null;
    const r = await pipeline(dir);
    let served = null;
    if (hammer) {
      let out = '';
      hammer.stdout.on('data', (d) => { out += d; });
      const done = new Promise((res) => hammer.on('exit', res));
      hammer.kill('SIGTERM');
      await done;
      served = JSON.parse(out);
      if (served.errors) fail(`${served.errors} failed requests under load`);
    }
    await stopServer(s);
    if (r.code !== 0) fail(`silt pipeline run exited ${r.code}: ${r.err.slice(-2000)}`);
    const count = spawnSync(silt, ['sql', '--format', 'csv', `SELECT count(*) FROM delta.\`${path.join(dir, 'bronze_transactions')}\``], { encoding: 'utf8' });
    if (Number(count.stdout.trim().split('\n').pop()) !== N) fail(`bronze holds ${count.stdout.trim()} of ${N} messages: ${count.stderr}`);
    runs.push({ ...r, served, secs: activeSecs(dir) });
  }
  const [alone, loaded] = runs;
  const ra = N / alone.secs, rl = N / loaded.secs;
  console.log(`pipeline alone ${Math.round(ra)} msgs/s (${alone.secs.toFixed(2)} s bronze to gold, ${alone.wall.toFixed(1)} s wall clock), under load ${Math.round(rl)} msgs/s (${loaded.secs.toFixed(2)} s, ${loaded.wall.toFixed(1)} s; ${loaded.served.requests} requests served meanwhile, no errors): ratio ${(rl / ra).toFixed(2)}`);
  ratios.push(rl / ra);
}
const mr = median(ratios);
console.log(`ratio loaded/alone: median of ${ROUNDS} rounds ${mr.toFixed(2)}  goal >= 0.90: ${mr >= 0.9 ? 'met' : 'missed'}`);
await stopServer(srv);
peer.kill('SIGKILL');
dev.kill('SIGKILL');
process.exit(0);
