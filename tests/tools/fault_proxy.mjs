// A fault-injecting HTTP proxy for the Azure store tests: forwards every request to a target
// (Azurite) and, by rule or at random, answers 500 or 503 instead, resets the connection before
// forwarding, delays the answer, or forwards the request and then drops the answer.
//
//   node fault_proxy.mjs --port-file F --target http://127.0.0.1:10000 [--seed N]
//        [--p500 P] [--p503 P] [--preset P] [--pdelay P] [--pdrop P] [--delay-ms N]
//
// Writes the port it listens on to F. Control requests (not forwarded):
//   PUT /__faults  {"p500":..,"methods":["GET"],"rules":[{"method":"PUT","match":"_delta_log/",
//                   "re":"\\.json$","action":"drop","count":1}]}  replaces the settings
//                   (match: a substring of the URL, re: a regular expression; actions: 500, 503,
//                   reset, delay, drop; rules first, then random faults on the listed methods)
//   GET /__faults  the counts of forwarded requests and of each fault injected, as JSON
import http from 'node:http';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : def;
};
const target = new URL(opt('target', 'http://127.0.0.1:10000'));
let seed = Number(opt('seed', 1)) >>> 0 || 1;
const rand = () => { // xorshift32: reproducible fault sequences
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
};
let cfg = {
  p500: Number(opt('p500', 0)), p503: Number(opt('p503', 0)), preset: Number(opt('preset', 0)),
  pdelay: Number(opt('pdelay', 0)), pdrop: Number(opt('pdrop', 0)),
  delayMs: Number(opt('delay-ms', 200)), rules: [], methods: null,
};
const stats = {forwarded: 0, '500': 0, '503': 0, reset: 0, delay: 0, drop: 0, rules: 0};

function choose(req) {
  for (const r of cfg.rules) {
    if (r.count <= 0) continue;
    if (r.method && r.method !== req.method) continue;
    if (r.match && !req.url.includes(r.match)) continue;
    if (r.re && !new RegExp(r.re).test(req.url)) continue;
    r.count--;
    stats.rules++;
    return r.action;
  }
  if (cfg.methods && !cfg.methods.includes(req.method)) return null;
  let x = rand();
  for (const [p, a] of [[cfg.p500, '500'], [cfg.p503, '503'], [cfg.preset, 'reset'],
                        [cfg.pdelay, 'delay'], [cfg.pdrop, 'drop']]) {
    if (x < p) return a;
    x -= p;
  }
  return null;
}

function forward(req, body, done) {
  const headers = {...req.headers, host: target.host};
  const up = http.request({host: target.hostname, port: target.port, method: req.method,
                           path: req.url, headers}, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => done(null, res, Buffer.concat(chunks)));
  });
  up.on('error', (e) => done(e));
  up.end(body);
}

function control(req, res, body) {
  if (req.method === 'PUT') {
    const c = JSON.parse(body.toString() || '{}');
    cfg = {...cfg, p500: 0, p503: 0, preset: 0, pdelay: 0, pdrop: 0, rules: [], methods: null,
           ...c};
  }
  res.writeHead(200, {'content-type': 'application/json'});
  res.end(JSON.stringify(stats));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url.startsWith('/__faults')) return control(req, res, body);
    const action = choose(req);
    if (action) stats[action]++;
    if (action === '500' || action === '503') {
      const h = {'x-ms-error-code': action === '500' ? 'InternalError' : 'ServerBusy'};
      if (action === '503') h['retry-after'] = '1';
      res.writeHead(Number(action), h);
      return res.end();
    }
    if (action === 'reset') return req.socket.destroy();
    forward(req, body, (err, up, data) => {
      if (err) return req.socket.destroy();
      stats.forwarded++;
      if (action === 'drop') return req.socket.destroy(); // applied, but the answer is lost
      const send = () => {
        res.writeHead(up.statusCode, up.headers);
        res.end(data);
      };
      if (action === 'delay') setTimeout(send, cfg.delayMs);
      else send();
    });
  });
});
server.keepAliveTimeout = 30000;
server.listen(Number(opt('port', 0)), '127.0.0.1', () => {
  const pf = opt('port-file');
  const port = String(server.address().port);
  if (pf) {
    import('node:fs').then((fs) => {
      fs.writeFileSync(pf + '.tmp', port);
      fs.renameSync(pf + '.tmp', pf);
    });
  } else {
    console.log(port);
  }
});
process.on('SIGTERM', () => process.exit(0));
