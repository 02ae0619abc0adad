#!/usr/bin/env node
// The work of bench/serve.sh (see there): silt serve vs a static Node server on the same bytes,
// and silt ingest's rate with and without load on the server, all in one run.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { silt, fail, scratch, makeLake, startServer, stopServer, get } from '../tests/lib/serve.mjs';

const SECS = Number(process.env.SECS || 5);
const N = Number(process.env.N || 300000);
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
const dev = spawn(silt, ['kafka-dev', '--topic', 'bench:6', '--bootstrap-file', boot], { stdio: 'ignore' });
process.on('exit', () => dev.kill('SIGKILL'));
for (let i = 0; i < 100 && !(fs.existsSync(boot) && fs.readFileSync(boot, 'utf8').trim()); i++) await new Promise((r) => setTimeout(r, 100));
const b = fs.readFileSync(boot, 'utf8').trim();
const pr = spawnSync(silt, ['produce', '-b', b, '-t', 'bench', '--generate', String(N), '--compression', 'zstd'], { encoding: 'utf8' });
if (pr.status !== 0) fail(`produce: ${pr.stderr}`);
function ingest(table) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(silt, ['ingest', '-b', b, '-t', 'bench', '--table', path.join(lake, table), '--until-caught-up',
      '--trigger', '1s', '--progress', '0', 'kafka.session.timeout.ms=6000'], { stdio: 'ignore' });
    p.on('exit', (code) => resolve({ code, secs: Number(process.hrtime.bigint() - t0) / 1e9 }));
  });
}
console.log('part 2: silt ingest of %d messages, alone and under load, %d rounds', N, ROUNDS);
const ratios = [];
for (let i = 0; i < ROUNDS; i++) {
  const alone = await ingest(`bronze_alone_${i}`);
  let stop = false;
  const hammer = (async () => { while (!stop) await Promise.all([load(srv.url + '/api/tables', 2), load(srv.url + '/metrics', 2)]); })();
  const loaded = await ingest(`bronze_loaded_${i}`);
  stop = true;
  await hammer;
  if (alone.code !== 0 || loaded.code !== 0) fail(`ingest exited ${alone.code} / ${loaded.code}`);
  const ra = N / alone.secs, rl = N / loaded.secs;
  console.log(`ingest alone ${Math.round(ra)} msgs/s (${alone.secs.toFixed(1)} s, wall clock incl. the group's first assignment), under load ${Math.round(rl)} msgs/s (${loaded.secs.toFixed(1)} s): ratio ${(rl / ra).toFixed(2)}`);
  ratios.push(rl / ra);
}
const mr = median(ratios);
console.log(`ratio loaded/alone: median of ${ROUNDS} rounds ${mr.toFixed(2)}  goal >= 0.90: ${mr >= 0.9 ? 'met' : 'missed'}`);
await stopServer(srv);
peer.kill('SIGKILL');
dev.kill('SIGKILL');
process.exit(0);
