#!/usr/bin/env node
// Load for bench/serve.mjs part 2: 100 connections (autocannon) on each URL given, in rounds of
// 2 s, until SIGTERM; then prints the requests and errors of all rounds as JSON. bench/serve.mjs
// starts it in Linux's idle class (chrt -i 0): the clients of a real server run on other
// machines, and on a 2-core bench machine the load generator's own CPU would otherwise be
// counted against the server it loads.
import autocannon from 'autocannon';

const urls = process.argv.slice(2);
let stop = false;
process.on('SIGTERM', () => { stop = true; });
let requests = 0, errors = 0;
while (!stop) {
  const rs = await Promise.all(urls.map((url) => autocannon({ url, connections: 100, duration: 2, timeout: 30 })));
  for (const r of rs) { requests += r.requests.total; errors += r.errors + r.non2xx + r.timeouts; }
}
console.log(JSON.stringify({ requests, errors }));
process.exit(0);
